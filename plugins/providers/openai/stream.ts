/**
 * Chat Completions stream → Anthropic events (PROTOCOL §7.3): the entry points `sseToEvents`,
 * `chunkToEvents` and `endStream`. Block bookkeeping lives in `state.ts`, tool calls in
 * `tool-calls.ts`. An upstream failure (an error chunk, a cut stream) is thrown, the mapped
 * `ProxyError` (the provider loop's one rule, `shared/loop.ts`).
 */
import type { SseMessage, StopReason, StreamEvent } from '../../../core/index.ts';
import { statusForErrorCode, upstreamError } from '../shared/errors.ts';
import { finalUsage } from '../shared/usage.ts';
import { mergeDetails } from './reasoning-details.ts';
import {
  closeBlock,
  flushDetails,
  contentDelta,
  startMessage,
  tokenCounts,
  type StreamState,
} from './state.ts';
import { callFragment, isCompleteJson, openCall } from './tool-calls.ts';
import type { ChatChunk, ChatDelta, ChatErrorBody } from './types.ts';

export { newState, startMessage, type StreamSetup, type StreamState } from './state.ts';

/**
 * One upstream SSE message in (PROTOCOL §6.3): `[DONE]` completes the message (D22); a data line
 * is a chunk; an `event: error` line, a bare `{"error":…}` or vLLM's `{"object":"error"}` is
 * thrown as the mapped error (E11); anything unparseable is skipped.
 */
export function sseToEvents(state: StreamState, message: SseMessage, out: StreamEvent[]): void {
  if (message.data === '[DONE]') return finishMessage(state, out);
  const chunk = parseChunk(message.data, message.event);
  if (chunk) chunkToEvents(state, chunk, out);
}

function parseChunk(data: string, event: string): ChatChunk | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return event === 'error' ? { error: { message: data } } : null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const chunk = value as ChatChunk & ChatErrorBody;
  if (chunk.error) return chunk;
  if (event === 'error' || chunk.object === 'error') {
    return { error: { message: chunk.message ?? data, code: chunk.code, type: chunk.type } };
  }
  return chunk;
}

/** One Chat Completions chunk in; the Anthropic events it implies pushed onto `out` (PROTOCOL §7.3). */
export function chunkToEvents(state: StreamState, chunk: ChatChunk, out: StreamEvent[]): void {
  if (state.ended) return;
  const usage = chunk.usage ?? chunk.x_groq?.usage;
  if (usage) state.usage = usage;
  startMessage(state, out);
  if (chunk.error) failStream(state, chunk.error);
  const choice = chunk.choices?.[0];
  if (!choice) return;
  if (choice.delta) deltaToEvents(state, choice.delta, out);
  if (choice.finish_reason === 'error')
    failStream(state, { message: 'the upstream failed mid-stream' });
  if (choice.finish_reason) state.finishReason = choice.finish_reason;
  if (
    typeof choice.stop_reason === 'string' &&
    state.setup.stopSequences.includes(choice.stop_reason)
  ) {
    state.stopString = choice.stop_reason;
  }
}

function deltaToEvents(state: StreamState, delta: ChatDelta, out: StreamEvent[]): void {
  let reasoning = delta.reasoning_content || delta.reasoning || '';
  let text = delta.content || delta.refusal || '';
  if (delta.content && !state.tags.passthrough) {
    const [inline, rest] = state.tags.split(delta.content);
    reasoning += inline;
    text = rest;
  }
  if (delta.reasoning_details?.length) mergeDetails(state.details, delta.reasoning_details);
  if (reasoning) contentDelta(state, 'thinking', reasoning, out);
  if (text) contentDelta(state, 'text', text, out);
  if (delta.tool_calls) for (const fragment of delta.tool_calls) callFragment(state, fragment, out);
}

/**
 * The upstream body ended (EOF). After a `finish_reason` the message is completed (D22); EOF
 * without one (nor `[DONE]`) is a cut stream, thrown as a 502 (E10).
 */
export function endStream(state: StreamState, out: StreamEvent[]): void {
  if (state.ended) return;
  if (state.finishReason === null) {
    failStream(
      state,
      { message: 'the upstream stream ended before the response was complete' },
      502,
    );
  }
  finishMessage(state, out);
}

/** Completes the message: held text and calls, then `message_delta` and `message_stop`. */
export function finishMessage(state: StreamState, out: StreamEvent[]): void {
  if (state.ended) return;
  startMessage(state, out);
  const [reasoning, text] = state.tags.end();
  if (reasoning) contentDelta(state, 'thinking', reasoning, out);
  if (text) contentDelta(state, 'text', text, out);
  closeBlock(state, out);
  for (const call of state.waiting.splice(0)) {
    openCall(state, call, out);
    closeBlock(state, out);
  }
  flushDetails(state, out);
  for (const call of state.calls)
    if (call.args && !isCompleteJson(call.args)) state.invalidArguments.push(call.name);
  state.blocks.finish(
    out,
    stopReason(state),
    finalUsage(tokenCounts(state.usage), {
      input: state.usage?.prompt_tokens ? 0 : state.setup.inputEstimate(),
      output: state.outputTokens,
    }),
    state.stopString,
  );
  state.ended = true;
}

/** `finish_reason` → `stop_reason` (PROTOCOL §7.3; D9, D10). */
function stopReason(state: StreamState): StopReason {
  const mapped = state.finishReason ? FINISH_REASONS.get(state.finishReason) : undefined;
  if (mapped) return mapped;
  // `stop` (or none) after tool calls still asks the client to run them (D9).
  if (state.calls.some((call) => call.name)) return 'tool_use';
  return state.stopString !== null ? 'stop_sequence' : 'end_turn';
}

const FINISH_REASONS: ReadonlyMap<string, StopReason> = new Map([
  ['length', 'max_tokens'],
  ['content_filter', 'refusal'],
  ['tool_calls', 'tool_use'],
  ['function_call', 'tool_use'],
]);

/** An error chunk, `finish_reason: "error"` or a cut stream: thrown, no `message_stop` (E9–E11). */
function failStream(
  state: StreamState,
  error: NonNullable<ChatChunk['error']>,
  status?: number,
): never {
  const detail = typeof error === 'string' ? { message: error } : error;
  throw upstreamError({
    provider: state.setup.provider,
    status: status ?? statusForErrorCode(detail.code ?? detail.type),
    message: detail.message ?? 'upstream error',
    code: typeof detail.code === 'string' ? detail.code : detail.type,
  });
}
