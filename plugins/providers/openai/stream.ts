import {
  estimateTextTokens,
  messageId,
  toolUseId,
  type MessageStartEvent,
  type SseMessage,
  type StopReason,
  type StreamEvent,
} from '../../../core/index.ts';
import { statusForErrorCode, upstreamError } from '../shared/errors.ts';
import { mintSignature } from '../shared/signature.ts';
import { clientToolId } from '../shared/tool-ids.ts';
import type { ToolNames } from '../shared/tool-names.ts';
import { finalUsage, startUsage, type TokenCounts } from '../shared/usage.ts';
import type { ChatChunk, ChatDelta, ChatErrorBody, ChatToolCallDelta, ChatUsage } from './types.ts';

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
interface Call {
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

/**
 * One upstream SSE message in (PROTOCOL §6.3): `[DONE]` completes the message (D22); a data line
 * is a chunk; an `event: error` line, a bare `{"error":…}` or vLLM's `{"object":"error"}` becomes
 * an `error` event (E11); anything unparseable is skipped.
 */
export function sseToEvents(state: StreamState, message: SseMessage, out: StreamEvent[]): void {
  if (message.data === '[DONE]') return endStream(state, true, out);
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
  startMessage(state, out);
  if (chunk.error) return failStream(state, chunk.error, out);
  const usage = chunk.usage ?? chunk.x_groq?.usage;
  if (usage) state.usage = usage;
  const choice = chunk.choices?.[0];
  if (!choice) return;
  if (choice.delta) deltaToEvents(state, choice.delta, out);
  if (choice.finish_reason === 'error') return failStream(state, { message: 'the upstream failed mid-stream' }, out);
  if (choice.finish_reason) state.finishReason = choice.finish_reason;
  if (typeof choice.stop_reason === 'string' && state.setup.stopSequences.includes(choice.stop_reason)) {
    state.stopString = choice.stop_reason;
  }
}

function deltaToEvents(state: StreamState, delta: ChatDelta, out: StreamEvent[]): void {
  const reasoning = delta.reasoning_content || delta.reasoning;
  if (reasoning) {
    if (state.open !== 'thinking') openBlock(state, 'thinking', out);
    state.outputTokens += estimateTextTokens(reasoning);
    out.push({ type: 'content_block_delta', index: state.index, delta: { type: 'thinking_delta', thinking: reasoning } });
  }
  const text = delta.content || delta.refusal;
  if (text) {
    if (state.open !== 'text') openBlock(state, 'text', out);
    state.outputTokens += estimateTextTokens(text);
    out.push({ type: 'content_block_delta', index: state.index, delta: { type: 'text_delta', text } });
  }
  if (delta.tool_calls) for (const fragment of delta.tool_calls) callFragment(state, fragment, out);
}

/** Stops the open block (a thinking block gets its signature first, B11) and opens a text or thinking block. */
function openBlock(state: StreamState, kind: 'text' | 'thinking', out: StreamEvent[]): void {
  closeBlock(state, out);
  state.open = kind;
  state.index = state.next++;
  const content_block =
    kind === 'text' ? { type: 'text' as const, text: '' } : { type: 'thinking' as const, thinking: '', signature: '' };
  out.push({ type: 'content_block_start', index: state.index, content_block });
}

function closeBlock(state: StreamState, out: StreamEvent[]): void {
  if (state.open === null) return;
  if (state.open === 'thinking') {
    // A signature ccproxy recognises later, so the block round-trips through Claude Code (§7.5).
    out.push({ type: 'content_block_delta', index: state.index, delta: { type: 'signature_delta', signature: mintSignature('openai') } });
  }
  if (state.openCall) state.openCall.state = 'closed';
  state.openCall = null;
  out.push({ type: 'content_block_stop', index: state.index });
  state.open = null;
}

/** One `tool_calls[]` fragment: find its call (D4, D6), then stream, hold or open (D2, D3, D5). */
function callFragment(state: StreamState, fragment: ChatToolCallDelta, out: StreamEvent[]): void {
  const call = findCall(state, fragment);
  const name = fragment.function?.name;
  if (name && !call.name) call.name = state.setup.names.client(name);
  const args = fragment.function?.arguments ?? '';
  if (args) {
    call.args += args;
    state.outputTokens += estimateTextTokens(args);
  }
  if (call.state === 'open') {
    if (args) out.push({ type: 'content_block_delta', index: state.index, delta: { type: 'input_json_delta', partial_json: args } });
    if (state.waiting.length && isCompleteJson(call.args)) openWaiting(state, out);
    return;
  }
  if (call.state === 'closed') return; // unreachable for valid JSON: a call closes only once complete
  call.held += args;
  if (!call.name) return; // its block cannot start without a name; wait for it
  if (!state.waiting.includes(call)) state.waiting.push(call);
  openWaiting(state, out);
}

function findCall(state: StreamState, fragment: ChatToolCallDelta): Call {
  const { id, index } = fragment;
  let call: Call | undefined;
  if (id) {
    call = state.calls.find((each) => each.upstreamId === id);
    // The same id at another index is another call (a server reusing ids), not a continuation.
    if (call && index !== undefined && call.index !== undefined && call.index !== index) call = undefined;
    call ??= state.calls.find((each) => each.index === index && index !== undefined && each.upstreamId === undefined);
    if (call) call.upstreamId ??= id;
  } else if (index !== undefined) {
    call = findLast(state.calls, (each) => each.index === index);
  } else {
    call = state.lastCall ?? undefined;
  }
  if (!call) {
    call = { upstreamId: id ?? undefined, index, id: '', name: '', args: '', held: '', state: 'waiting' };
    state.calls.push(call);
  }
  state.lastCall = call;
  return call;
}

function findLast<T>(items: readonly T[], match: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (match(items[i]!)) return items[i];
  return undefined;
}

function openCall(state: StreamState, call: Call, out: StreamEvent[]): void {
  closeBlock(state, out);
  let id = clientToolId(call.upstreamId);
  if (state.usedIds.has(id)) id = toolUseId(); // unique per message, even if the upstream repeats one
  state.usedIds.add(id);
  call.id = id;
  call.state = 'open';
  state.open = 'tool';
  state.openCall = call;
  state.index = state.next++;
  out.push({ type: 'content_block_start', index: state.index, content_block: { type: 'tool_use', id, name: call.name, input: {} } });
  if (call.held) {
    out.push({ type: 'content_block_delta', index: state.index, delta: { type: 'input_json_delta', partial_json: call.held } });
    call.held = '';
  }
}

/**
 * Opens waiting calls in arrival order, each once the open call's arguments form complete JSON:
 * sequential calls stream live, interleaved ones are held and replayed in order (D3).
 */
function openWaiting(state: StreamState, out: StreamEvent[]): void {
  while (state.waiting.length && (!state.openCall || isCompleteJson(state.openCall.args))) {
    openCall(state, state.waiting.shift()!, out);
  }
}

/** Cheap first: only text ending in `}` can be a complete arguments object. */
function isCompleteJson(text: string): boolean {
  if (!text.trimEnd().endsWith('}')) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The upstream ended (`[DONE]`, or EOF). After a `finish_reason` or `[DONE]` the message is
 * completed (D22); EOF without either is a cut stream and becomes an `error` event (E10).
 */
export function endStream(state: StreamState, sawDone: boolean, out: StreamEvent[]): void {
  if (state.ended) return;
  startMessage(state, out);
  if (!sawDone && state.finishReason === null) {
    return failStream(state, { message: 'the upstream stream ended before the response was complete' }, out, 502);
  }
  closeBlock(state, out);
  for (const call of state.waiting.splice(0)) {
    openCall(state, call, out);
    closeBlock(state, out);
  }
  for (const call of state.calls) if (call.args && !isCompleteJson(call.args)) state.invalidArguments.push(call.name);
  out.push({
    type: 'message_delta',
    delta: { stop_reason: stopReason(state), stop_sequence: state.stopString },
    usage: finalUsage(tokenCounts(state.usage), { input: state.setup.inputEstimate, output: state.outputTokens }),
  });
  out.push({ type: 'message_stop' });
  state.ended = true;
}

/** `finish_reason` → `stop_reason` (PROTOCOL §7.3; D9, D10). */
function stopReason(state: StreamState): StopReason {
  const hasCalls = state.calls.some((call) => call.name);
  switch (state.finishReason) {
    case 'length':
      return 'max_tokens';
    case 'content_filter':
      return 'refusal';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    default:
      if (hasCalls) return 'tool_use';
      return state.stopString !== null ? 'stop_sequence' : 'end_turn';
  }
}

/** Chat usage → neutral counts (DeepSeek reports cache hits in its own field). */
export function tokenCounts(usage: ChatUsage | null): TokenCounts | null {
  if (!usage) return null;
  return {
    input: usage.prompt_tokens,
    output: usage.completion_tokens,
    cacheRead: usage.prompt_tokens_details?.cached_tokens ?? usage.prompt_cache_hit_tokens ?? 0,
    cacheWrite: usage.prompt_tokens_details?.cache_write_tokens ?? 0,
  };
}

/** An error chunk, `finish_reason: "error"` or a cut stream: one `error` event, no `message_stop` (E9–E11). */
function failStream(
  state: StreamState,
  error: NonNullable<ChatChunk['error']>,
  out: StreamEvent[],
  status?: number,
): void {
  const detail = typeof error === 'string' ? { message: error } : error;
  const e = upstreamError({
    provider: state.setup.provider,
    status: status ?? statusForErrorCode(detail.code ?? detail.type),
    message: detail.message ?? 'upstream error',
    code: typeof detail.code === 'string' ? detail.code : detail.type,
  });
  out.push({ type: 'error', error: { type: e.type, message: e.message } });
  state.ended = true;
}
