/**
 * The per-response state of the stream converter and the block steps every part of it uses, on
 * the shared BlockWriter: one block open at a time, thinking stopped by a minted signature that
 * carries any OpenRouter reasoning details.
 */
import { estimateTextTokens, type StreamEvent } from '../../../core/index.ts';
import { BlockWriter } from '../shared/blocks.ts';
import { finalUsage, type TokenCounts } from '../shared/usage.ts';
import { ThinkTagSplitter } from '../shared/think-tags.ts';
import type { ToolNames } from '../shared/tool-names.ts';
import { encodeDetails, type ReasoningDetail } from './reasoning-details.ts';
import type { ChatUsage } from './types.ts';

/** What the converter knows of the request it answers. */
export interface StreamSetup {
  /** The provider's name, prefixed to error messages. */
  provider: string;
  /** The model the client asked for: the client sees it back (D20). */
  model: string;
  /**
   * The prompt estimate, for a `message_start` sent before the upstream's count and for a count
   * the upstream never gives (D15, D16). A function: a JSON answer, which carries its count, never
   * needs it.
   */
  inputEstimate: () => number;
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
  readonly blocks: BlockWriter;
  /** True once `message_stop` was produced. */
  ended: boolean;
  /** The call whose `tool_use` block is open. */
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

/** The state of one answer, before its first chunk. */
export function newState(setup: StreamSetup): StreamState {
  return {
    setup,
    blocks: new BlockWriter('openai'),
    ended: false,
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

/**
 * `message_start`, sent as soon as the upstream answers (B8, D16, D20), with the upstream's prompt
 * count when it came first (a JSON answer), else the estimate.
 */
export function startMessage(state: StreamState, out: StreamEvent[]): void {
  if (state.blocks.hasStarted) return; // called for every chunk: nothing to work out after the first
  const counts = tokenCounts(state.usage);
  const input = counts?.input
    ? (finalUsage(counts, NO_ESTIMATE).input_tokens ?? 0)
    : state.setup.inputEstimate();
  state.blocks.start(out, state.setup.model, input);
}

const NO_ESTIMATE = { input: 0, output: 0 };

/** Generated text or reasoning for the open block of `kind`, opening one first when needed. */
export function contentDelta(
  state: StreamState,
  kind: 'text' | 'thinking',
  text: string,
  out: StreamEvent[],
): void {
  if (state.blocks.openKind !== kind) closeBlock(state, out);
  state.outputTokens += estimateTextTokens(text);
  if (kind === 'text') state.blocks.text(out, text);
  else state.blocks.thinking(out, text);
}

/** Stops the open block; a thinking block takes the pending reasoning details with it (§7.5). */
export function closeBlock(state: StreamState, out: StreamEvent[]): void {
  if (state.blocks.openKind === 'thinking') flushDetails(state, out);
  state.blocks.close(out);
  if (state.openCall) state.openCall.state = 'closed';
  state.openCall = null;
}

/**
 * Stops the thinking block with the pending reasoning details in its signature. Details that
 * arrived outside reasoning text (a Gemini thought signature with its call) get an empty thinking
 * block of their own, placed before the call they belong to.
 */
export function flushDetails(state: StreamState, out: StreamEvent[]): void {
  if (!state.details.length) return;
  state.blocks.seal(out, encodeDetails(state.details));
  state.details = [];
}

/** Chat usage → neutral counts (DeepSeek reports cache hits in its own field). */
export function tokenCounts(usage: ChatUsage | null): TokenCounts | null {
  if (!usage) return null;
  return {
    input: usage.prompt_tokens,
    output: usage.completion_tokens,
    cacheRead: usage.prompt_tokens_details?.cached_tokens ?? usage.prompt_cache_hit_tokens ?? 0,
    cacheWrite: usage.prompt_tokens_details?.cache_write_tokens ?? 0,
    thinking: usage.completion_tokens_details?.reasoning_tokens,
  };
}
