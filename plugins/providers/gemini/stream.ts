import {
  ProxyError,
  type MessageDeltaEvent,
  type StopReason,
  type StreamEvent,
} from '../../../core/index.ts';
import { BlockWriter } from '../shared/blocks.ts';
import { clientToolId } from '../shared/tool-ids.ts';
import { finalUsage, startUsageOf, type TokenCounts } from '../shared/usage.ts';
import { geminiError } from './errors.ts';
import type { GenerateContentResponse, Part, UsageMetadata } from './types.ts';

/** What one Gemini answer has produced so far; the caller owns it, one per response. */
export interface GeminiStreamState {
  readonly writer: BlockWriter;
  readonly provider: string;
  /** The model the client asked for, shown in `message_start`. */
  readonly model: string;
  /** The local prompt estimate for `message_start` and a missing usage (D15, D16). */
  readonly estimate: number;
  finishReason: string | null;
  blockReason: string | null;
  usage: UsageMetadata | null;
  /** True once `message_stop` was produced. */
  ended: boolean;
}

/** The state of one answer, before its first chunk. */
export function newState(provider: string, model: string, estimate: number): GeminiStreamState {
  return {
    writer: new BlockWriter('gemini'),
    provider,
    model,
    estimate,
    finishReason: null,
    blockReason: null,
    usage: null,
    ended: false,
  };
}

/** `message_start` as soon as Gemini answers, before its first chunk (B8). */
export function startMessage(state: GeminiStreamState, out: StreamEvent[]): void {
  state.writer.start(out, state.model, state.estimate);
}

/**
 * One `GenerateContentResponse` (a streamed chunk or the whole answer) in; its events onto `out`
 * (PROTOCOL §8.5): thought parts → thinking, text → text, each `functionCall` → a complete
 * `tool_use`; a thought signature seals the thinking block before the part it came on (I6).
 */
export function chunkToEvents(
  state: GeminiStreamState,
  chunk: GenerateContentResponse,
  out: StreamEvent[],
): void {
  if (chunk.error) throw geminiError(state.provider, chunk.error.code ?? 500, chunk.error);
  if (chunk.usageMetadata) state.usage = chunk.usageMetadata;
  // A stream started at its headers already; a whole answer starts with its own prompt count.
  if (!state.writer.hasStarted)
    state.writer.start(out, state.model, startUsageOf(countsOf(state.usage), state.estimate));
  if (chunk.promptFeedback?.blockReason) state.blockReason = chunk.promptFeedback.blockReason;
  const candidate = chunk.candidates?.[0];
  for (const part of candidate?.content?.parts ?? []) partToEvents(state.writer, part, out);
  if (candidate?.finishReason) state.finishReason = candidate.finishReason;
}

function partToEvents(writer: BlockWriter, part: Part, out: StreamEvent[]): void {
  const signature = part.thoughtSignature;
  if (part.thought) {
    writer.thinking(out, part.text ?? '');
    if (signature) writer.seal(out, signature);
    return;
  }
  if (signature) writer.seal(out, signature);
  if (part.functionCall) {
    const call = part.functionCall;
    writer.toolUse(out, clientToolId(call.id), call.name, JSON.stringify(call.args ?? {}));
  } else if (part.text) writer.text(out, part.text);
}

const REFUSALS = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'LANGUAGE',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/** A whole answer is one `GenerateContentResponse`: the same converter as a streamed chunk. */
export const responseToEvents = chunkToEvents;

/**
 * The end of the answer: the stop reason (I9) and usage (I8) in `message_delta`, `message_stop`.
 * An answer cut before any `finishReason` is an error (the stream broke, E10).
 */
export function endStream(state: GeminiStreamState, out: StreamEvent[]): void {
  startMessage(state, out);
  const reason = state.finishReason;
  if (!reason && !state.blockReason) {
    throw new ProxyError(
      'api_error',
      502,
      `${state.provider}: the response ended before a finishReason`,
    );
  }
  if (
    (reason === 'MALFORMED_FUNCTION_CALL' || reason === 'UNEXPECTED_TOOL_CALL') &&
    !state.writer.hasContent
  ) {
    throw new ProxyError(
      'api_error',
      502,
      `${state.provider}: the model produced a malformed function call (${reason})`,
    );
  }
  state.writer.finish(out, stopReason(state), usageOf(state));
  state.ended = true;
}

function stopReason(state: GeminiStreamState): StopReason {
  if (state.blockReason && !state.finishReason) return 'refusal';
  if (state.finishReason === 'MAX_TOKENS') return 'max_tokens';
  if (REFUSALS.has(state.finishReason!)) return 'refusal';
  return 'end_turn';
}

/**
 * Gemini's counts as Anthropic's (PROTOCOL §8.5): the prompt includes cached tokens (reported as
 * cache reads) and the tool-use prompt; output includes thoughts.
 */
function usageOf(state: GeminiStreamState): MessageDeltaEvent['usage'] {
  return finalUsage(countsOf(state.usage), { input: state.estimate, output: 1 });
}

function countsOf(u: GeminiStreamState['usage']): TokenCounts | null {
  return u
    ? {
        input: (u.promptTokenCount ?? 0) + (u.toolUsePromptTokenCount ?? 0),
        output: (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0),
        cacheRead: u.cachedContentTokenCount ?? 0,
      }
    : null;
}
