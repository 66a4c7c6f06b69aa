import type { Logger } from 'pino';
import type {
  ContentBlockStartEvent,
  MessageDeltaEvent,
  StopReason,
  StreamEvent,
  Usage,
} from '../anthropic.ts';
import { messageStartEvent } from './events.ts';

/** What the guard needs of its surroundings: where to log, and what to put in a missing start. */
export interface GuardOptions {
  /** Who produced the events, named in repair logs and errors: `provider "openai"`, `plugins`. */
  source: string;
  /** Where repairs are logged, or what gives it when one is (a request's logger is made lazily). */
  log: Logger | (() => Logger);
  model: string;
  /** Receives `message_start` and `message_delta` usage, so totals need no second pass. */
  usage?: Usage;
  onStop?: (reason: StopReason) => void;
  /** Counts this stream once in `repairs` if it needed a repair (the metrics read it). */
  stats?: { repairs: number };
}

const NO_BLOCK = -1;

/**
 * Makes any event sequence a well-formed Anthropic stream (PROTOCOL §3.1, checklist B3–B6):
 * one `message_start`; blocks opened before use, one at a time, indices 0, 1, 2… in start order,
 * each stopped once; exactly one `message_delta` with a stop reason before `message_stop`; nothing
 * after. Clear-intent violations are repaired and logged; the rest become an `error` event.
 * Synchronous and allocation-free for a well-formed stream.
 */
export class StreamGuard {
  private started = false;
  private done = false;
  /** The upstream index of the open block, and the index the client sees for it. */
  private openFrom = NO_BLOCK;
  private openAt = NO_BLOCK;
  private nextIndex = 0;
  private sawToolUse = false;
  private pendingDelta: MessageDeltaEvent | null = null;
  private repairs = 0;

  private readonly options: GuardOptions;

  constructor(options: GuardOptions) {
    this.options = options;
  }

  /** True once `message_stop` or `error` went out: the stream is over. */
  get finished(): boolean {
    return this.done;
  }

  /** One event in; what the client should see pushed onto `out`. */
  push(event: StreamEvent, out: StreamEvent[]): void {
    if (this.done) return this.repair('event after the end of the message', event);
    switch (event.type) {
      case 'message_start':
        if (this.started) return this.repair('second message_start dropped', event);
        this.started = true;
        this.fold(event.message.usage);
        out.push(event);
        return;
      case 'ping':
        if (this.started) out.push(event);
        return;
      case 'error':
        this.done = true;
        out.push(event);
        return;
      default:
        break;
    }
    if (!this.started) this.synthesizeStart(out, event);
    switch (event.type) {
      case 'content_block_start':
        return this.startBlock(event, out);
      case 'content_block_delta':
        if (event.index !== this.openFrom && !this.adoptDelta(event, out)) return;
        event.index = this.openAt;
        out.push(event);
        return;
      case 'content_block_stop':
        if (event.index !== this.openFrom) return this.repair('stop of a block not open', event);
        event.index = this.openAt;
        this.openFrom = this.openAt = NO_BLOCK;
        out.push(event);
        return;
      case 'message_delta':
        this.closeOpenBlock(out);
        if (this.pendingDelta) this.repair('several message_delta merged', event);
        this.pendingDelta = mergeDelta(this.pendingDelta, event);
        return;
      case 'message_stop':
        this.finish(out, event);
        return;
    }
  }

  /**
   * The source ended. A message whose `message_delta` arrived is completed; one cut short becomes
   * an `error` event. Returns false when nothing at all was produced (the caller reports that).
   */
  end(out: StreamEvent[]): boolean {
    if (this.done) return true;
    if (!this.started) return false;
    if (this.pendingDelta) {
      this.repair('missing message_stop inserted');
      this.finish(out, { type: 'message_stop' });
    } else {
      this.fail(out, 'the response ended before it was complete');
    }
    return true;
  }

  private startBlock(event: ContentBlockStartEvent, out: StreamEvent[]): void {
    if (this.pendingDelta) return this.repair('block after message_delta dropped', event);
    if (this.openFrom !== NO_BLOCK) {
      this.repair('block started while another was open: stop inserted');
      this.closeOpenBlock(out);
    }
    const type = event.content_block.type;
    if (type === 'tool_use' || type === 'server_tool_use') this.sawToolUse = true;
    this.openFrom = event.index;
    this.openAt = this.nextIndex++;
    if (event.index !== this.openAt)
      this.repair(`block index ${event.index} renumbered ${this.openAt}`);
    event.index = this.openAt;
    out.push(event);
  }

  /** A delta for a block that is not open: text and thinking get their block; others fail. */
  private adoptDelta(event: StreamEvent & { type: 'content_block_delta' }, out: StreamEvent[]) {
    const kind = event.delta.type;
    if (this.openFrom === NO_BLOCK && (kind === 'text_delta' || kind === 'thinking_delta')) {
      this.repair(`${kind} without a block: block opened`);
      const content_block =
        kind === 'text_delta'
          ? { type: 'text' as const, text: '' }
          : { type: 'thinking' as const, thinking: '', signature: '' };
      this.startBlock({ type: 'content_block_start', index: event.index, content_block }, out);
      return true;
    }
    this.fail(out, `a ${kind} for block ${event.index}, which is not open`);
    return false;
  }

  private closeOpenBlock(out: StreamEvent[]): void {
    if (this.openFrom === NO_BLOCK) return;
    this.repair('block left open: stop inserted');
    out.push({ type: 'content_block_stop', index: this.openAt });
    this.openFrom = this.openAt = NO_BLOCK;
  }

  private finish(out: StreamEvent[], stop: StreamEvent): void {
    this.closeOpenBlock(out);
    let delta = this.pendingDelta;
    if (!delta) {
      this.repair('missing message_delta inserted');
      delta = { type: 'message_delta', delta: { stop_reason: null }, usage: { output_tokens: 0 } };
    }
    if (!delta.delta.stop_reason) {
      if (this.pendingDelta) this.repair('message_delta without stop_reason completed');
      delta.delta.stop_reason = this.sawToolUse ? 'tool_use' : 'end_turn';
    }
    delta.delta.stop_sequence ??= null;
    this.fold(delta.usage);
    this.options.onStop?.(delta.delta.stop_reason);
    this.pendingDelta = null;
    this.done = true;
    out.push(delta, stop);
  }

  private synthesizeStart(out: StreamEvent[], cause: StreamEvent): void {
    this.repair('events before message_start: message_start inserted', cause);
    this.started = true;
    out.push(messageStartEvent(this.options.model, { input_tokens: 0, output_tokens: 0 }));
  }

  private fail(out: StreamEvent[], why: string): void {
    this.logger().error({ source: this.options.source }, `malformed stream: ${why}`);
    this.done = true;
    out.push({
      type: 'error',
      error: {
        type: 'api_error',
        message: `${this.options.source} sent a malformed stream: ${why}`,
      },
    });
  }

  private logger(): Logger {
    const log = this.options.log;
    return typeof log === 'function' ? log() : log;
  }

  private repair(what: string, event?: StreamEvent): void {
    // One line per stream is enough to find the culprit; a loop of violations must not flood.
    if (this.repairs++ > 0) return;
    if (this.options.stats) this.options.stats.repairs++;
    this.logger().warn(
      { source: this.options.source, event: event?.type },
      `stream repaired: ${what}`,
    );
  }

  private fold(usage: Partial<Usage>): void {
    const total = this.options.usage;
    if (!total) return;
    for (const key of USAGE_KEYS) {
      const value = usage[key];
      if (typeof value === 'number' && (key !== 'input_tokens' || value > 0)) total[key] = value;
    }
    if (usage.server_tool_use) total.server_tool_use = usage.server_tool_use;
  }
}

const USAGE_KEYS = [
  'input_tokens',
  'output_tokens',
  'cache_creation_input_tokens',
  'cache_read_input_tokens',
] as const;

function mergeDelta(into: MessageDeltaEvent | null, next: MessageDeltaEvent): MessageDeltaEvent {
  if (!into) return next;
  return {
    type: 'message_delta',
    delta: {
      ...into.delta,
      ...next.delta,
      stop_reason: next.delta.stop_reason ?? into.delta.stop_reason,
    },
    usage: { ...into.usage, ...next.usage },
  };
}
