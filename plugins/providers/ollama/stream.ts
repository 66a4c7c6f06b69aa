/**
 * Ollama `/api/chat` answers → Anthropic events: each NDJSON line (or the whole answer) carries
 * `message.thinking`, `message.content` and whole `message.tool_calls`; the line with `done: true`
 * carries `done_reason` and the counts. An upstream failure is thrown (the provider loop's rule).
 */
import { ProxyError, type StopReason, type StreamEvent } from '../../../core/index.ts';
import { BlockWriter } from '../shared/blocks.ts';
import { clientToolId } from '../shared/tool-ids.ts';
import { finalUsage, startUsageOf, type TokenCounts } from '../shared/usage.ts';
import { ollamaError } from './errors.ts';
import type { OllamaChatChunk, OllamaToolCall } from './types.ts';

/** What one Ollama answer has produced so far; the caller owns it, one per response. */
export interface OllamaStreamState {
  readonly writer: BlockWriter;
  readonly provider: string;
  /** The model the client asked for, shown in `message_start`. */
  readonly model: string;
  /** The local prompt estimate for `message_start` and a missing count (D15, D16). */
  readonly estimate: number;
  /** True once `message_stop` was produced. */
  ended: boolean;
}

/** The state of one answer, before its first line. */
export function newState(provider: string, model: string, estimate: number): OllamaStreamState {
  return { writer: new BlockWriter('ollama'), provider, model, estimate, ended: false };
}

/** `message_start` as soon as Ollama answers, before its first line (B8). */
export function startMessage(state: OllamaStreamState, out: StreamEvent[]): void {
  state.writer.start(out, state.model, state.estimate);
}

/** One line of the answer (or the whole answer) in; its events onto `out`. */
export function chunkToEvents(
  state: OllamaStreamState,
  chunk: OllamaChatChunk,
  out: StreamEvent[],
): void {
  if (chunk.error !== undefined) {
    // Ollama reports a failure after its 200 as one more line; a status is not known then.
    throw ollamaError(state.provider, 500, JSON.stringify({ error: chunk.error }));
  }
  const writer = state.writer;
  // A stream started at its headers already; a whole answer starts with its own prompt count.
  if (!writer.hasStarted)
    writer.start(out, state.model, startUsageOf(countsOf(chunk), state.estimate));
  const message = chunk.message;
  if (message?.thinking) writer.thinking(out, message.thinking);
  if (message?.content) writer.text(out, message.content);
  for (const call of message?.tool_calls ?? []) toolUse(writer, call, out);
  if (chunk.done) {
    writer.finish(
      out,
      stopReason(chunk.done_reason),
      finalUsage(countsOf(chunk), { input: state.estimate, output: 1 }),
    );
    state.ended = true;
  }
}

/** A whole answer (`stream: false`) is one line with `done: true`: the same converter. */
export const responseToEvents = chunkToEvents;

/** Ollama's calls arrive whole, arguments as an object: one complete `tool_use` each. */
function toolUse(writer: BlockWriter, call: OllamaToolCall, out: StreamEvent[]): void {
  const args = call.function.arguments;
  const json = typeof args === 'string' ? args : JSON.stringify(args ?? {});
  writer.toolUse(out, clientToolId(call.id), call.function.name, json);
}

/** `length` is the `num_predict` limit; anything else ends the turn (tool use when it called). */
const stopReason = (reason: string | undefined): StopReason =>
  reason === 'length' ? 'max_tokens' : 'end_turn';

function countsOf(chunk: OllamaChatChunk): TokenCounts | null {
  if (chunk.prompt_eval_count === undefined && chunk.eval_count === undefined) return null;
  return { input: chunk.prompt_eval_count, output: chunk.eval_count };
}

/** The body ended without a `done` line: the answer was cut (E10). */
export function endStream(state: OllamaStreamState): void {
  if (state.ended) return;
  throw new ProxyError(
    'api_error',
    502,
    `${state.provider}: the response ended before its last line ("done": true)`,
  );
}
