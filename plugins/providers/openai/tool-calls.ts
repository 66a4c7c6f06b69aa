/**
 * Tool-call fragments → `tool_use` blocks (PROTOCOL §6.3 deviations, §7.3): calls keyed by
 * index, id or position; sequential calls stream live, interleaved ones wait their turn.
 */
import { estimateTextTokens, toolUseId, type StreamEvent } from '../../../core/index.ts';
import { clientToolId } from '../shared/tool-ids.ts';
import { closeBlock, flushDetails, type Call, type StreamState } from './state.ts';
import type { ChatToolCallDelta } from './types.ts';

/** One `tool_calls[]` fragment: find its call (D4, D6), then stream, hold or open (D2, D3, D5). */
export function callFragment(
  state: StreamState,
  fragment: ChatToolCallDelta,
  out: StreamEvent[],
): void {
  const call = findCall(state, fragment);
  const name = fragment.function?.name;
  if (name && !call.name) call.name = state.setup.names.client(name);
  const args = fragment.function?.arguments ?? '';
  if (args) {
    call.args += args;
    state.outputTokens += estimateTextTokens(args);
  }
  if (call.state === 'open') {
    state.blocks.toolJson(out, args);
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
    if (call && index !== undefined && call.index !== undefined && call.index !== index)
      call = undefined;
    call ??= state.calls.find(
      (each) => each.index === index && index !== undefined && each.upstreamId === undefined,
    );
    if (call) call.upstreamId ??= id;
  } else if (index !== undefined) {
    call = findLast(state.calls, (each) => each.index === index);
  } else {
    call = state.lastCall ?? undefined;
  }
  if (!call) {
    call = {
      upstreamId: id ?? undefined,
      index,
      id: '',
      name: '',
      args: '',
      held: '',
      state: 'waiting',
    };
    state.calls.push(call);
  }
  state.lastCall = call;
  return call;
}

function findLast<T>(items: readonly T[], match: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (match(items[i]!)) return items[i];
  return undefined;
}

export function openCall(state: StreamState, call: Call, out: StreamEvent[]): void {
  closeBlock(state, out);
  flushDetails(state, out);
  let id = clientToolId(call.upstreamId);
  if (state.usedIds.has(id)) id = toolUseId(); // unique per message, even if the upstream repeats one
  state.usedIds.add(id);
  call.id = id;
  call.state = 'open';
  state.openCall = call;
  state.blocks.toolUse(out, id, call.name, call.held);
  call.held = '';
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
export function isCompleteJson(text: string): boolean {
  if (!text.trimEnd().endsWith('}')) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
