import type { ChatRequestOptions } from './request.ts';
import type { ChatRequest } from './types.ts';

/** How to change a request an upstream refused, and a word for the log. */
export interface Retry {
  change: string;
  options: Partial<ChatRequestOptions>;
}

/**
 * A 400 caused by a parameter this server does not take, and how to resend without it: servers
 * rejecting `stream_options` (PROTOCOL §6.3), models without reasoning given `reasoning_effort`,
 * or `max_tokens` above the model's output limit ("…supports at most 16384 completion tokens").
 * Null for any other 400. Pure, so each rule is a table row in the tests.
 */
export function retryWithout(
  errorText: string,
  body: ChatRequest,
  options: ChatRequestOptions,
): Retry | null {
  if (body.stream_options && /stream_options/i.test(errorText)) {
    return { change: 'stream_options', options: { streamOptions: false } };
  }
  const sentReasoning =
    body.reasoning_effort !== undefined ||
    body.reasoning !== undefined ||
    body.thinking !== undefined;
  if (sentReasoning && /reasoning|thinking/i.test(errorText))
    return { change: 'reasoning', options: { reasoning: false } };
  const limit =
    /at most (\d+) completion tokens|max_tokens[^0-9]*(?:must be|should be)?[^0-9]*(?:<=|less than or equal to) ?(\d+)/i.exec(
      errorText,
    );
  const max = Number(limit?.[1] ?? limit?.[2]);
  if (max > 0 && max < (body.max_tokens ?? body.max_completion_tokens ?? Infinity)) {
    return { change: `max_tokens ${max}`, options: { maxTokens: { ...options.maxTokens, max } } };
  }
  return null;
}
