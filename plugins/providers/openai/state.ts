/**
 * The per-response state of the stream converter and the block primitives every part of it
 * uses: one block open at a time, indices in start order, thinking closed by its signature.
 */
import {
  estimateTextTokens,
  messageId,
  type MessageStartEvent,
  type StreamEvent,
} from '../../../core/index.ts';
import { ThinkTagSplitter } from '../shared/think-tags.ts';
import type { ToolNames } from '../shared/tool-names.ts';
import { startUsage } from '../shared/usage.ts';
import { detailsSignature, type ReasoningDetail } from './reasoning-details.ts';
import type { ChatUsage } from './types.ts';

/** What the converter knows of the request it answers. */
export interface StreamSetup {
  /** The provider's name, prefixed to error messages. */
  provider: string;
  /** The model the client asked for: the client sees it back (D20). */
  model: string;
  /** The prompt estimate for `message_start` and for a missing upstream count (D15, D16). */
  inputEstimate: number;
  /** Maps shortened tool names back (C11). */
  names: ToolNames;
  /** The request's stop sequences: a reported match becomes `stop_sequence`. */
  stopSequences: readonly string[];
}

/** One upstream tool call, from its first fragment to its block's stop. */
export interface Call {
  upstreamId: string | undefined;
  index: number | undefined;
  id: string;
  name: string;
  /** Arguments received so far. */
  args: string;
  /** Arguments received while another call's block was open (interleaved calls). */
  held: string;
  state: 'waiting' | 'open' | 'closed';
}

/** What one upstream response has produced so far; the caller owns it, nothing is module-level. */
export interface StreamState {
  readonly setup: StreamSetup;
  started: boolean;
  /** True once `message_stop` or `error` was produced. */
  ended: boolean;
  /** The kind of the open block, and its index; `next` is the next block's index. */
  open: 'text' | 'thinking' | 'tool' | null;
  index: number;
  next: number;
  openCall: Call | null;
  /** Calls whose block waits until the open call's arguments are complete, in arrival order. */
  waiting: Call[];
  calls: Call[];
  lastCall: Call | null;
  usedIds: Set<string>;
  finishReason: string | null;
  stopString: string | null;
  usage: ChatUsage | null;
  outputTokens: number;
  /** Tools whose streamed arguments were not valid JSON, for the adapter's log (D12). */
  invalidArguments: string[];
  /** Reasoning a model wrote inline as `<think>…</think>`. */
  tags: ThinkTagSplitter;
  /** Reasoning details not yet carried by a thinking block's signature (OpenRouter). */
  details: ReasoningDetail[];
}

export function newStreamState(setup: StreamSetup): StreamState {
  return {
    setup,
    started: false,
    ended: false,
    open: null,
    index: -1,
    next: 0,
    openCall: null,
    waiting: [],
    calls: [],
    lastCall: null,
    usedIds: new Set(),
    finishReason: null,
    stopString: null,
    usage: null,
    outputTokens: 0,
    invalidArguments: [],
    tags: new ThinkTagSplitter(),
    details: [],
  };
}

/** `message_start`, sent as soon as the upstream answers (B8, D16, D20). */
export function startMessage(state: StreamState, out: StreamEvent[]): void {
  if (state.started) return;
  state.started = true;
  const event: MessageStartEvent = {
    type: 'message_start',
    message: {
      id: messageId(),
      type: 'message',
      role: 'assistant',
      model: state.setup.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: startUsage(state.setup.inputEstimate),
    },
  };
  out.push(event);
}

/** Generated text or reasoning for the open block of `kind`, opening one first when needed. */
export function contentDelta(
  state: StreamState,
  kind: 'text' | 'thinking',
  text: string,
  out: StreamEvent[],
): void {
  if (state.open !== kind) openBlock(state, kind, out);
  state.outputTokens += estimateTextTokens(text);
  const delta =
    kind === 'text'
      ? { type: 'text_delta' as const, text }
      : { type: 'thinking_delta' as const, thinking: text };
  out.push({ type: 'content_block_delta', index: state.index, delta });
}

/** Stops the open block (a thinking block gets its signature first, B11) and opens a text or thinking block. */
export function openBlock(state: StreamState, kind: 'text' | 'thinking', out: StreamEvent[]): void {
  closeBlock(state, out);
  state.open = kind;
  state.index = state.next++;
  const content_block =
    kind === 'text'
      ? { type: 'text' as const, text: '' }
      : { type: 'thinking' as const, thinking: '', signature: '' };
  out.push({ type: 'content_block_start', index: state.index, content_block });
}

export function closeBlock(state: StreamState, out: StreamEvent[]): void {
  if (state.open === null) return;
  if (state.open === 'thinking') {
    // A signature ccproxy recognises later, so the block round-trips through Claude Code (§7.5).
    const signature = detailsSignature(state.details);
    state.details = [];
    out.push({
      type: 'content_block_delta',
      index: state.index,
      delta: { type: 'signature_delta', signature },
    });
  }
  if (state.openCall) state.openCall.state = 'closed';
  state.openCall = null;
  out.push({ type: 'content_block_stop', index: state.index });
  state.open = null;
}

/**
 * Reasoning details that arrived outside reasoning text (a Gemini thought signature with its
 * call) ride in an empty thinking block, placed before the call they belong to.
 */
export function flushDetails(state: StreamState, out: StreamEvent[]): void {
  if (!state.details.length) return;
  openBlock(state, 'thinking', out);
  closeBlock(state, out);
}
