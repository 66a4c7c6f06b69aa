import type { StreamEvent } from '../../../core/index.ts';
import { statusForErrorCode } from '../shared/errors.ts';
import { chatHttpError } from './errors.ts';
import { chunkToEvents, finishMessage, type StreamState } from './stream.ts';
import type { ChatChunk, ChatErrorBody, ChatResponse, ChatToolCallDelta } from './types.ts';

/**
 * A non-streaming Chat Completions response → the same events a stream of it would give
 * (PROTOCOL §7.3; D17, D18): thinking, text, then one complete `tool_use` per call. It is replayed
 * as one chunk through the stream converter, so both paths cannot drift apart. A 200 carrying an
 * error body (some gateways) is thrown as that error.
 */
export function responseToEvents(
  state: StreamState,
  response: ChatResponse,
  out: StreamEvent[],
): void {
  const failed = response as ChatResponse & ChatErrorBody;
  if (!failed.choices && (failed.error || failed.object === 'error')) {
    const error = failed.error;
    const code = typeof error === 'object' ? (error.code ?? error.type) : failed.code;
    const text = JSON.stringify(failed);
    throw chatHttpError(state.setup.provider, statusForErrorCode(code), text, {});
  }
  const choice = response.choices?.[0];
  const message = choice?.message;
  const calls: ChatToolCallDelta[] = (message?.tool_calls ?? []).map((call, index) => ({
    index,
    id: call.id,
    function: { name: call.function?.name, arguments: wholeArguments(state, call.function) },
  }));
  const chunk: ChatChunk = {
    choices: [
      {
        delta: {
          reasoning_content: message?.reasoning_content ?? message?.reasoning ?? null,
          reasoning_details: message?.reasoning_details ?? null,
          content: message?.content ?? message?.refusal ?? null,
          tool_calls: calls,
        },
        finish_reason: choice?.finish_reason ?? 'stop',
        stop_reason: choice?.stop_reason ?? null,
      },
    ],
    usage: response.usage ?? response.x_groq?.usage ?? null,
  };
  chunkToEvents(state, chunk, out);
  finishMessage(state, out);
}

/**
 * Whole arguments are known here, so invalid JSON is caught before the client sees it (D12):
 * it becomes `{}` rather than an input the client cannot parse, and the adapter logs it.
 */
function wholeArguments(
  state: StreamState,
  fn: { name?: string; arguments?: string } | undefined,
): string {
  const args = fn?.arguments;
  if (!args) return '';
  try {
    JSON.parse(args);
    return args;
  } catch {
    state.invalidArguments.push(state.setup.names.client(fn.name ?? ''));
    return '{}';
  }
}
