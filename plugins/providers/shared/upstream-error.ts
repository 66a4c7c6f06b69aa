import { ProxyError, errorTypeForStatus, type ErrorType } from '../../../core/index.ts';

/** What an adapter read from an upstream error response. */
export interface UpstreamFailure {
  /** The provider name, prefixed to the message (PROTOCOL §7.6). */
  provider: string;
  status: number;
  /** The upstream's own message text (E6). */
  message: string;
  /** A machine code the upstream gave (`insufficient_quota`, `RESOURCE_EXHAUSTED`…), if any. */
  code?: string;
  /** Seconds the upstream asked to wait, if it said. */
  retryAfter?: number;
}

/** Anthropic's wording for an overflow, which Claude Code compacts on (PROTOCOL §4, E7). */
const CONTEXT_LENGTH = /context[_ ]length[_ ]exceeded|maximum context length|exceeds the maximum number of tokens|too many tokens|context window/i;

/** `retry-after` stays at or under a minute: above it Claude Code stops retrying (E14). */
const MAX_RETRY_AFTER = 60;

/**
 * An upstream error as the client should see it (PROTOCOL §7.6): the Anthropic type and status,
 * the upstream text prefixed with the provider, `retry-after` kept (capped) on 429 and 529.
 */
export function upstreamError(failure: UpstreamFailure): ProxyError {
  const { provider, status, message, code } = failure;
  const text = `${provider}: ${message}`;
  if (CONTEXT_LENGTH.test(message) || code === 'context_length_exceeded') {
    return new ProxyError('invalid_request_error', 400, `prompt is too long: ${text}`);
  }
  if (status === 402 || code === 'insufficient_quota') {
    // A spent quota does not come back by retrying: the SDK must not loop on it (E3).
    return new ProxyError('billing_error', 402, text, { headers: { 'x-should-retry': 'false' } });
  }
  const [type, mapped] = classify(status);
  const headers: Record<string, string> = {};
  if ((mapped === 429 || mapped === 529) && failure.retryAfter !== undefined) {
    headers['retry-after'] = String(Math.min(MAX_RETRY_AFTER, Math.max(0, Math.ceil(failure.retryAfter))));
  }
  return new ProxyError(type, mapped, text, { headers });
}

function classify(status: number): [ErrorType, number] {
  if (status === 422) return ['invalid_request_error', 400];
  if (status === 408) return ['timeout_error', 504];
  if (status === 503) return ['overloaded_error', 529];
  if (status >= 500 && status !== 504 && status !== 529) return ['api_error', status];
  if (status >= 400 && ![400, 401, 403, 404, 409, 413, 429, 504, 529].includes(status)) {
    return ['invalid_request_error', 400];
  }
  return [errorTypeForStatus(status), status];
}

/** `retry-after` as seconds: integer seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return seconds;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/** Parses a JSON error body; the raw text (trimmed) when it is not JSON. */
export function parseErrorBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text.trim().slice(0, 2000);
  }
}
