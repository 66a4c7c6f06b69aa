import {
  messageStartEvent,
  type StopReason,
  type StreamEvent,
  type Usage,
} from '../../../core/index.ts';
import { mintSignature, type SignatureKind } from './signature.ts';
import { startUsage } from './usage.ts';

/** The kinds of block a translated upstream produces. */
export type BlockKind = 'text' | 'thinking' | 'tool_use';

/**
 * Writes Anthropic stream events for a translated upstream, one block open at a time (PROTOCOL
 * §3.1): callers say what arrived (text, thinking, a call) and the writer opens, stops and indexes
 * blocks. A thinking block is stopped with a ccproxy-minted signature (§7.5) carrying whatever the
 * upstream gave to replay it (a Gemini thought signature, a Responses `encrypted_content`).
 * Per-stream state only; pure, so adapters' converters stay testable without a server.
 */
export class BlockWriter {
  private open: BlockKind | null = null;
  private index = -1;
  private started = false;
  /** Tool-use blocks written so far: `end_turn` becomes `tool_use` when there were any. */
  toolUses = 0;
  private readonly kind: SignatureKind;

  constructor(kind: SignatureKind) {
    this.kind = kind;
  }

  /** True once `message_start` went out. */
  get hasStarted(): boolean {
    return this.started;
  }

  /** True once a block was written. */
  get hasContent(): boolean {
    return this.index >= 0;
  }

  /** The kind of the open block, or null between blocks. */
  get openKind(): BlockKind | null {
    return this.open;
  }

  /**
   * `message_start`, once: the client sees the model it asked for and an input estimate (B3, D16),
   * or the upstream's own usage when it is known this early.
   */
  start(out: StreamEvent[], model: string, input: number | Usage): void {
    if (this.started) return;
    this.started = true;
    out.push(messageStartEvent(model, typeof input === 'number' ? startUsage(input) : input));
  }

  text(out: StreamEvent[], text: string): void {
    if (!text) return;
    this.ensure(out, 'text');
    out.push({
      type: 'content_block_delta',
      index: this.index,
      delta: { type: 'text_delta', text },
    });
  }

  thinking(out: StreamEvent[], thinking: string): void {
    if (!thinking) return;
    this.ensure(out, 'thinking');
    out.push({
      type: 'content_block_delta',
      index: this.index,
      delta: { type: 'thinking_delta', thinking },
    });
  }

  /**
   * Stops the thinking block with `payload` in its signature, opening an empty one first when
   * none is open: the payload must reach the client's history to come back on the next turn.
   */
  seal(out: StreamEvent[], payload: string): void {
    if (this.open !== 'thinking') this.ensure(out, 'thinking');
    this.stopThinking(out, payload);
  }

  /** Opens a `tool_use` block (B10: `input: {}`) and writes `json`, the whole input, if given. */
  toolUse(out: StreamEvent[], id: string, name: string, json?: string): void {
    this.close(out);
    this.toolUses++;
    this.index++;
    this.open = 'tool_use';
    out.push({
      type: 'content_block_start',
      index: this.index,
      content_block: { type: 'tool_use', id, name, input: {} },
    });
    if (json) this.toolJson(out, json);
  }

  /** An argument fragment for the open `tool_use` block. */
  toolJson(out: StreamEvent[], partial_json: string): void {
    if (this.open !== 'tool_use' || !partial_json) return;
    out.push({
      type: 'content_block_delta',
      index: this.index,
      delta: { type: 'input_json_delta', partial_json },
    });
  }

  /** Stops the open block, if any; a thinking block gets its minted signature first (B11). */
  close(out: StreamEvent[]): void {
    if (this.open === 'thinking') return this.stopThinking(out, '');
    if (this.open === null) return;
    out.push({ type: 'content_block_stop', index: this.index });
    this.open = null;
  }

  /**
   * Stops the open block, then `message_delta` and `message_stop` (B4, B6); `stopSequence` is the
   * stop sequence that matched, when the upstream says.
   */
  finish(
    out: StreamEvent[],
    stopReason: StopReason,
    usage: Partial<Usage> & { output_tokens: number },
    stopSequence: string | null = null,
  ): void {
    this.close(out);
    const reason = stopReason === 'end_turn' && this.toolUses > 0 ? 'tool_use' : stopReason;
    out.push({
      type: 'message_delta',
      delta: { stop_reason: reason, stop_sequence: stopSequence },
      usage,
    });
    out.push({ type: 'message_stop' });
  }

  private ensure(out: StreamEvent[], kind: 'text' | 'thinking'): void {
    if (this.open === kind) return;
    this.close(out);
    this.index++;
    this.open = kind;
    const content_block =
      kind === 'text'
        ? { type: 'text' as const, text: '' }
        : { type: 'thinking' as const, thinking: '', signature: '' };
    out.push({ type: 'content_block_start', index: this.index, content_block });
  }

  private stopThinking(out: StreamEvent[], payload: string): void {
    const signature = mintSignature(this.kind, payload);
    out.push({
      type: 'content_block_delta',
      index: this.index,
      delta: { type: 'signature_delta', signature },
    });
    out.push({ type: 'content_block_stop', index: this.index });
    this.open = null;
  }
}
