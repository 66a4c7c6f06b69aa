import type {
  MessageDeltaEvent,
  MessagesRequest,
  Next,
  ProxyContext,
  StreamEvent,
  Usage,
} from '../../core/index.ts';
import {
  searchError,
  searchResultEvents,
  serverToolUseEvents,
  serverToolUseId,
  toResults,
} from './blocks.ts';
import { errorText, resultsText } from './prompts.ts';
import { followUp, type SearchToolSpec, type SearchTurn } from './request.ts';
import { Round, type Output } from './round.ts';
import { SearchError, type SearchBackend, type SearchHit } from './backends/types.ts';

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
  private readonly output: Output;
  private readonly usage: Usage = { input_tokens: 0, output_tokens: 0 };
  /** Searches counted against `max_uses`, and those that ran (billed, reported). */
  private uses = 0;
  private requests = 0;
  /** The model was told the searches are used up: the next call gets no `web_search`. */
  private refused = false;

  constructor(ctx: ProxyContext, next: Next, settings: LoopSettings) {
    this.ctx = ctx;
    this.next = next;
    this.settings = settings;
    this.output = {
      index: 0,
      started: false,
      clientToolUse: false,
      sources: [],
      citations: settings.citations,
    };
  }

  async *run(request: MessagesRequest): AsyncGenerator<StreamEvent> {
    const out: StreamEvent[] = [];
    // A round without a search ends the loop, and max_uses caps the rounds that search, so
    // max_uses + 2 calls always end it (the last after a max_uses_exceeded).
    for (let calls = 1; ; calls++) {
      const round = new Round(this.output);
      for await (const event of this.next(request)) {
        if (event.type === 'error') {
          yield event;
          return;
        }
        round.push(event, out);
        yield* drain(out);
      }
      // The core's per-call guard ends every call with a message_delta or an error event.
      const delta = round.delta!;
      this.add(round.usage);
      if (
        !round.calls.length ||
        delta.delta.stop_reason === 'max_tokens' ||
        calls > this.settings.maxUses + 1
      ) {
        {
          yield* this.finish(delta);
          return;
        }
      }
      const turns = yield* this.serve(round.calls, out);
      if (this.output.clientToolUse) {
        yield* this.finish(delta);
        return;
      }
      request = followUp(request, round.content(), turns, this.refused);
    }
  }

  /** Serves the round's `web_search` calls in order: each block goes out as soon as it exists. */
  private async *serve(
    calls: string[],
    out: StreamEvent[],
  ): AsyncGenerator<StreamEvent, SearchTurn[]> {
    const turns: SearchTurn[] = [];
    for (const input of calls) {
      // The client shows "searching…" as soon as the server_tool_use arrives, not after the search.
      const id = serverToolUseId();
      const query = queryOf(input);
      serverToolUseEvents(this.output.index++, id, query, out);
      yield* drain(out);
      turns.push(await this.search(id, query, out));
      yield* drain(out);
    }
    this.ctx.state['web-search'] = { backend: this.settings.backend.name, requests: this.requests };
    return turns;
  }

  /** Runs one search and pushes its result block; a backend failure is a result, not a throw. */
  private async search(id: string, query: string, out: StreamEvent[]): Promise<SearchTurn> {
    let hits: SearchHit[];
    try {
      hits = await this.searchBackend(query);
    } catch (error) {
      if (!(error instanceof SearchError)) throw error;
      this.ctx.log.warn({ backend: this.settings.backend.name, code: error.code }, error.message);
      searchResultEvents(this.output.index++, id, searchError(error.code), out);
      return { id, text: errorText(error.code), isError: true };
    }
    searchResultEvents(this.output.index++, id, toResults(hits), out);
    const sources = this.output.sources;
    const first = sources.length + 1;
    sources.push(...hits);
    return { id, text: resultsText(query, hits, first, this.settings.citations), isError: false };
  }

  private async searchBackend(query: string): Promise<SearchHit[]> {
    if (!query) throw new SearchError('invalid_tool_input', 'web_search called without a query');
    if (query.length > MAX_QUERY_CHARS)
      throw new SearchError('query_too_long', `a query of ${query.length} characters`);
    if (this.uses >= this.settings.maxUses) {
      this.refused = true;
      throw new SearchError('max_uses_exceeded', `max_uses ${this.settings.maxUses} reached`);
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
      throw new SearchError(
        'unavailable',
        `${backend.name}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }

  /** The one `message_delta` of the response, with every call's usage, then `message_stop`. */
  private *finish(last: MessageDeltaEvent): Generator<StreamEvent> {
    let stop = last.delta.stop_reason;
    // The model's last word was a search the loop did not run: the client has no tool to answer.
    if (stop === 'tool_use' && !this.output.clientToolUse) stop = 'end_turn';
    yield {
      type: 'message_delta',
      delta: { ...last.delta, stop_reason: stop },
      usage: { ...this.usage, server_tool_use: { web_search_requests: this.requests } },
    };
    yield { type: 'message_stop' };
  }

  /** Adds one call's token counts: every call was billed, so the message reports their sum. */
  private add(usage: Partial<Usage>): void {
    const total = this.usage as Record<string, unknown>;
    for (const [key, value] of Object.entries(usage)) {
      if (typeof value === 'number') total[key] = ((total[key] as number | undefined) ?? 0) + value;
    }
  }
}

/** Yields the events collected in `out` and empties it, so the array is reused. */
function* drain(out: StreamEvent[]): Generator<StreamEvent> {
  for (const event of out) yield event;
  out.length = 0;
}

function queryOf(input: string): string {
  try {
    const parsed = JSON.parse(input || '{}') as { query?: unknown };
    return typeof parsed.query === 'string' ? parsed.query.trim() : '';
  } catch {
    return '';
  }
}
