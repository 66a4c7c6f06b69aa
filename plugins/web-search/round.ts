import {
  MessageAccumulator,
  type ContentBlock,
  type ContentBlockDeltaEvent,
  type ContentBlockStartEvent,
  type MessageDeltaEvent,
  type StreamEvent,
  type Usage,
} from '../../core/index.ts';
import { CitationMarkers } from './citations.ts';
import { WEB_SEARCH_FUNCTION } from './prompts.ts';
import type { SearchHit } from './backends/types.ts';

/** What the client's message is made of so far, across the model calls of one response. */
export interface Output {
  /** The index the next block gets. */
  index: number;
  /** `message_start` went out (only the first call's does). */
  started: boolean;
  /** A client tool call went out: the message ends with `tool_use`. */
  clientToolUse: boolean;
  /** Every hit shown to the model, `sources[n - 1]` being result `[n]`. */
  readonly sources: SearchHit[];
  /** Turn `[n]` markers into citations. */
  readonly citations: boolean;
}

const NONE = -1;

/**
 * One model call's events, sorted: the client's pass on re-indexed (and cited), `web_search`
 * calls are kept back for the loop to serve, the stop and usage are kept for the one final
 * `message_delta`. Synchronous, no I/O: tested with plain events.
 */
export class Round {
  /** The input JSON of each `web_search` call, in call order. */
  readonly calls: string[] = [];
  /** The call's usage: `message_start`'s, overridden by the final `message_delta`'s. */
  readonly usage: Partial<Usage> = {};
  delta: MessageDeltaEvent | null = null;

  private readonly output: Output;
  private readonly turn = new MessageAccumulator();
  /** The model's index of the `web_search` call being read, and the client's index of the open block. */
  private hidden = NONE;
  private open = NONE;
  private markers: CitationMarkers | null = null;

  constructor(output: Output) {
    this.output = output;
  }

  /** The assistant content of this call, as the next request repeats it. */
  content(): ContentBlock[] {
    return this.turn.result().content;
  }

  /** One event of the call in (not `error`); what the client sees pushed onto `out`. */
  push(event: StreamEvent, out: StreamEvent[]): void {
    this.turn.push(event);
    switch (event.type) {
      case 'message_start':
        Object.assign(this.usage, event.message.usage);
        if (this.output.started) return;
        this.output.started = true;
        break;
      case 'content_block_start':
        return this.start(event, out);
      case 'content_block_delta':
        return this.blockDelta(event, out);
      case 'content_block_stop':
        if (event.index === this.hidden) {
          this.hidden = NONE;
          return;
        }
        this.markers?.flush(out);
        this.markers = null;
        event.index = this.open;
        break;
      case 'message_delta':
        this.delta = event;
        for (const [key, value] of Object.entries(event.usage))
          if (value !== null && value !== undefined) this.usage[key] = value;
        return;
      case 'message_stop':
      case 'ping':
      case 'error': // handled by the loop before it gets here
        return;
    }
    out.push(event);
  }

  private start(event: ContentBlockStartEvent, out: StreamEvent[]): void {
    const block = event.content_block;
    if (block.type === 'tool_use' && block.name === WEB_SEARCH_FUNCTION.name) {
      this.hidden = event.index;
      this.calls.push('');
      return;
    }
    if (block.type === 'tool_use') this.output.clientToolUse = true;
    this.open = event.index = this.output.index++;
    const { sources, citations } = this.output;
    this.markers =
      block.type === 'text' && citations && sources.length
        ? new CitationMarkers(sources, this.open)
        : null;
    out.push(event);
  }

  private blockDelta(event: ContentBlockDeltaEvent, out: StreamEvent[]): void {
    if (event.index === this.hidden) {
      if (event.delta.type === 'input_json_delta')
        this.calls[this.calls.length - 1] += event.delta.partial_json as string;
      return;
    }
    if (this.markers && event.delta.type === 'text_delta')
      return this.markers.push(event.delta.text as string, out);
    event.index = this.open;
    out.push(event);
  }
}
