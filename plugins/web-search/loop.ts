import {
  MessageAccumulator,
  type ContentBlock,
  type MessageDeltaEvent,
  type MessagesRequest,
  type Next,
  type ProxyContext,
  type StreamEvent,
  type Usage,
} from '../../core/index.ts';
import { searchError, searchResultEvents, serverToolUseEvents, serverToolUseId, toResults } from './blocks.ts';
import { CitationMarkers } from './citations.ts';
import { errorText, resultsText, WEB_SEARCH_FUNCTION } from './prompts.ts';
import { followUp, type SearchToolSpec, type SearchTurn } from './request.ts';
import { SearchError, type SearchBackend, type SearchErrorCode, type SearchHit } from './backends/types.ts';

/** What one search loop needs, fixed for the request. */
export interface LoopSettings {
  backend: SearchBackend;
  tool: SearchToolSpec;
  maxUses: number;
  maxResults: number;
  citations: boolean;
}

/** Anthropic rejects longer queries with `query_too_long`; so do most backends. */
const MAX_QUERY_CHARS = 400;

/** One model call's output, as the loop needs it after the call. */
interface Round {
  /** The `web_search` calls' input JSON, in call order. */
  calls: string[];
  /** The assistant content of this call, for the next request. */
  content: ContentBlock[];
  delta: MessageDeltaEvent;
  /** The call's usage: `message_start`'s, overridden by the final `message_delta`'s. */
  usage: Partial<Usage>;
  /** The call ended with an `error` event, already passed on. */
  failed: boolean;
}

/**
 * Serves Anthropic's web search with a model that only has functions: runs the model, and while
 * it calls `web_search`, searches the backend and runs it again with the results (re-entrant
 * `next`). The client sees one message: the model's blocks re-indexed, a `server_tool_use` and a
 * `web_search_tool_result` per search, `[n]` markers turned into citations, one `message_delta`
 * with the summed usage and `server_tool_use.web_search_requests`.
 */
export class SearchLoop {
  private readonly ctx: ProxyContext;
  private readonly next: Next;
  private readonly settings: LoopSettings;
  /** Every hit shown to the model, numbered from 1 across the response. */
  private readonly sources: SearchHit[] = [];
  private readonly usage: Usage = { input_tokens: 0, output_tokens: 0 };
  private index = 0;
  private started = false;
  private uses = 0;
  private requests = 0;
  /** A client tool call went out: the message ends with `tool_use`. */
  private clientToolUse = false;
  /** The model was told the searches are used up: the next call gets no `web_search`. */
  private refused = false;

  constructor(ctx: ProxyContext, next: Next, settings: LoopSettings) {
    this.ctx = ctx;
    this.next = next;
    this.settings = settings;
  }

  async *run(request: MessagesRequest): AsyncGenerator<StreamEvent> {
    // Each round searches at least once, so max_uses + 1 rounds always reach an answer.
    for (let round = 0; ; round++) {
      const out: StreamEvent[] = [];
      const result = yield* this.call(request);
      if (result.failed) return;
      this.addUsage(result.usage);
      const stop = result.delta.delta.stop_reason;
      if (!result.calls.length || stop === 'max_tokens' || round > this.settings.maxUses) {
        return yield* this.finish(result.delta);
      }
      const turns: SearchTurn[] = [];
      for (const input of result.calls) {
        turns.push(await this.search(input, out));
        yield* out.splice(0);
      }
      this.ctx.state['web-search'] = { backend: this.settings.backend.name, requests: this.requests };
      if (this.clientToolUse) return yield* this.finish(result.delta);
      request = followUp(request, result.content, turns, this.refused);
    }
  }

  /** One model call: its events passed on re-indexed, its `web_search` calls kept back. */
  private async *call(request: MessagesRequest): AsyncGenerator<StreamEvent, Round> {
    const turn = new MessageAccumulator();
    const calls: string[] = [];
    const out: StreamEvent[] = [];
    let hidden = -1;
    let open = -1;
    let markers: CitationMarkers | null = null;
    let delta: MessageDeltaEvent | null = null;
    let usage: Partial<Usage> = {};
    for await (const event of this.next(request)) {
      if (event.type === 'error') {
        yield event;
        return { calls, content: [], delta: delta!, usage, failed: true };
      }
      turn.push(event);
      switch (event.type) {
        case 'message_start':
          usage = { ...event.message.usage };
          if (this.started) continue;
          this.started = true;
          break;
        case 'content_block_start': {
          const block = event.content_block;
          if (block.type === 'tool_use' && block.name === WEB_SEARCH_FUNCTION.name) {
            hidden = event.index;
            calls.push('');
            continue;
          }
          if (block.type === 'tool_use') this.clientToolUse = true;
          open = event.index = this.index++;
          markers = block.type === 'text' && this.settings.citations && this.sources.length ? new CitationMarkers(this.sources, open) : null;
          break;
        }
        case 'content_block_delta':
          if (event.index === hidden) {
            if (event.delta.type === 'input_json_delta') calls[calls.length - 1] += event.delta.partial_json as string;
            continue;
          }
          event.index = open;
          if (markers && event.delta.type === 'text_delta') {
            markers.push(event.delta.text as string, out);
            yield* out.splice(0);
            continue;
          }
          break;
        case 'content_block_stop':
          if (event.index === hidden) {
            hidden = -1;
            continue;
          }
          markers?.flush(out);
          markers = null;
          yield* out.splice(0);
          event.index = open;
          break;
        case 'message_delta':
          delta = event;
          for (const [key, value] of Object.entries(event.usage)) if (value !== null && value !== undefined) usage[key] = value;
          continue;
        case 'message_stop':
          continue;
      }
      yield event;
    }
    // The core's per-call guard ends every call with message_delta or an error event.
    return { calls, content: turn.result().content, delta: delta!, usage, failed: false };
  }

  /** Runs one `web_search` call and pushes its two blocks; never throws for a backend failure. */
  private async search(input: string, out: StreamEvent[]): Promise<SearchTurn> {
    const id = serverToolUseId();
    const query = queryOf(input);
    serverToolUseEvents(this.index++, id, query, out);
    let hits: SearchHit[];
    try {
      hits = await this.searchBackend(query);
    } catch (error) {
      if (!(error instanceof SearchError)) throw error;
      this.ctx.log.warn({ backend: this.settings.backend.name, code: error.code }, error.message);
      searchResultEvents(this.index++, id, searchError(error.code), out);
      return { id, text: errorText(error.code), isError: true };
    }
    searchResultEvents(this.index++, id, toResults(hits), out);
    const first = this.sources.length + 1;
    this.sources.push(...hits);
    return { id, text: resultsText(query, hits, first, this.settings.citations), isError: false };
  }

  private async searchBackend(query: string): Promise<SearchHit[]> {
    const fail = (code: SearchErrorCode, why: string) => new SearchError(code, why);
    if (!query) throw fail('invalid_tool_input', 'web_search called without a query');
    if (query.length > MAX_QUERY_CHARS) throw fail('query_too_long', `query of ${query.length} characters`);
    if (this.uses >= this.settings.maxUses) {
      this.refused = true;
      throw fail('max_uses_exceeded', `max_uses ${this.settings.maxUses} reached`);
    }
    this.uses++;
    const { tool, backend, maxResults } = this.settings;
    try {
      const hits = await backend.search({ ...tool, query, maxResults, signal: this.ctx.signal });
      this.requests++;
      return hits;
    } catch (error) {
      if (error instanceof SearchError || this.ctx.signal.aborted) throw error;
      // An in-house backend's bug must not cost the client its answer.
      throw new SearchError('unavailable', `${backend.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** The one `message_delta` of the response, with every call's usage, then `message_stop`. */
  private *finish(last: MessageDeltaEvent): Generator<StreamEvent> {
    let stop = last.delta.stop_reason;
    // The model's last word was a search the loop did not run: the client has no tool to answer.
    if (stop === 'tool_use' && !this.clientToolUse) stop = 'end_turn';
    yield {
      type: 'message_delta',
      delta: { ...last.delta, stop_reason: stop },
      usage: { ...this.usage, server_tool_use: { web_search_requests: this.requests } },
    };
    yield { type: 'message_stop' };
  }

  /** Adds one call's usage: every call was billed, so the message reports their sum. */
  private addUsage(usage: Partial<Usage>): void {
    for (const key of ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'] as const) {
      const value = usage[key];
      if (typeof value === 'number') this.usage[key] = (this.usage[key] ?? 0) + value;
    }
  }
}

function queryOf(input: string): string {
  try {
    const parsed = JSON.parse(input || '{}') as { query?: unknown };
    return typeof parsed.query === 'string' ? parsed.query.trim() : '';
  } catch {
    return '';
  }
}
