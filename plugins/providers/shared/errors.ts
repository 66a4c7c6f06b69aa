import { ProxyError, errorTypeForStatus, type ErrorType } from '../../../core/index.ts';

/** What an upstream said when it refused a request, in vendor-neutral terms. */
export interface UpstreamFailure {
  /** The provider's configured name, prefixed to the message. */
  provider: string;
  /** The upstream's HTTP status (or the status an error chunk implies). */
  status: number;
  /** The upstream's own message text, kept in the client's message (E6). */
  message: string;
  /** The vendor's error code or type (`context_length_exceeded`, `insufficient_quota`). */
  code?: string;
  /** The upstream response headers (`retry-after`, `x-ratelimit-reset-*`). */
  headers?: Record<string, string | string[] | undefined>;
  /** The key the upstream refused was the client's own (`passThroughKey`), not ccproxy's. */
  clientKey?: boolean;
}

/** Claude Code gives up at once on a `retry-after` above 60 s (PROTOCOL §4): never send more. */
export const MAX_RETRY_AFTER_S = 60;

/**
 * The client's error for an upstream refusal (PROTOCOL §4, §7.6; checklist E1–E7, E14): the
 * Anthropic type and status (a refused configured key as 403, see `classify`), the upstream's text
 * prefixed with the provider's name, context-length
 * errors reworded so Claude Code compacts, `retry-after` kept or derived and capped at 60 s.
 */
export function upstreamError(failure: UpstreamFailure): ProxyError {
  let text = `${failure.provider}: ${failure.message || `upstream answered ${failure.status}`}`;
  // Claude Code reads a 401 as its own login failing: say whose key was refused and what to set.
  if (failure.status === 401 || failure.status === 403) {
    text += failure.clientKey
      ? ` (the upstream refused the key your client sent through provider "${failure.provider}")`
      : ` (the upstream refused the key ccproxy sent to provider "${failure.provider}": set that provider's apiKey, or the variable your config reads it from, e.g. OPENAI_API_KEY)`;
  }
  const overflow = contextOverflow(failure.message, failure.code);
  if (overflow !== null && failure.status < 500) {
    return new ProxyError('invalid_request_error', 400, `${overflow} (${text})`);
  }
  const [type, status] = classify(failure);
  const headers: Record<string, string> = {};
  if (type === 'billing_error') headers['x-should-retry'] = 'false';
  if (type === 'rate_limit_error' || type === 'overloaded_error') {
    const seconds = retryAfterSeconds(failure.headers ?? {});
    if (seconds !== null) headers['retry-after'] = String(seconds);
  }
  return new ProxyError(type, status, text, { headers });
}

function classify({ status, code, message, clientKey }: UpstreamFailure): [ErrorType, number] {
  // A key from ccproxy's config is no login the client can fix: Claude Code 2.1.330 retries a 401
  // for three minutes (11 requests) before showing it, and shows a 403 at once (one request).
  if (status === 401 && !clientKey) return ['permission_error', 403];
  if (status === 402 || code === 'insufficient_quota') return ['billing_error', 402];
  if (status === 408) return ['timeout_error', 504];
  if (status === 503 || status === 529 || /overloaded/i.test(message))
    return ['overloaded_error', 529];
  if (status === 422) return ['invalid_request_error', 400];
  const type = errorTypeForStatus(status);
  if (type === 'invalid_request_error' || type === 'conflict_error')
    return ['invalid_request_error', 400];
  return [type, status >= 400 ? status : 500];
}

/**
 * The wording Claude Code reacts to for an upstream context overflow (PROTOCOL §4), or null when
 * the error is not one: `input length and max_tokens exceed context limit: a + b > c` when the
 * prompt alone fits (Claude Code retries with a smaller `max_tokens`), else `prompt is too long`
 * (it compacts).
 */
export function contextOverflow(message: string, code?: string): string | null {
  // vLLM: "…maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in
  // the messages, 1000 in the completion)…"
  const split =
    /maximum context length is (\d+)[^(]*\((\d+) in the messages, (\d+) in the completion/i.exec(
      message,
    );
  if (split) {
    const [limit, input, output] = [Number(split[1]), Number(split[2]), Number(split[3])];
    if (input < limit)
      return `input length and \`max_tokens\` exceed context limit: ${input} + ${output} > ${limit}`;
    return `prompt is too long: ${input} tokens > ${limit} maximum`;
  }
  if (code !== 'context_length_exceeded' && !CONTEXT_WORDING.test(message)) return null;
  // OpenAI: "This model's maximum context length is 128000 tokens. However, your messages
  // resulted in 130000 tokens…"
  const limit = /maximum context length is (\d+)/i.exec(message)?.[1];
  const used = /resulted in (\d+) tokens|requested (\d+) tokens/i.exec(message);
  const count = used?.[1] ?? used?.[2];
  return limit && count
    ? `prompt is too long: ${count} tokens > ${limit} maximum`
    : 'prompt is too long';
}

const CONTEXT_WORDING =
  /context[ _]length|context window|maximum context|exceeds the maximum number of tokens|prompt is too long|too many tokens|input is too long|reduce the length of the (messages|prompt)/i;

/**
 * Seconds the client should wait, from `retry-after` (seconds or HTTP date), `retry-after-ms`
 * or OpenAI's `x-ratelimit-reset-requests|tokens` (`6m0s`, `1.5s`, `20ms`); at least 0, at most
 * 60 (E14). Null when the upstream gave no hint.
 */
export function retryAfterSeconds(
  headers: Record<string, string | string[] | undefined>,
): number | null {
  const seconds = retryAfterRaw(headers);
  if (seconds === null || !Number.isFinite(seconds)) return null;
  return Math.min(MAX_RETRY_AFTER_S, Math.max(0, Math.ceil(seconds)));
}

function retryAfterRaw(headers: Record<string, string | string[] | undefined>): number | null {
  const value = (name: string) => {
    const raw = headers[name];
    return Array.isArray(raw) ? raw[0] : raw;
  };
  const ms = value('retry-after-ms');
  if (ms && !Number.isNaN(Number(ms))) return Number(ms) / 1000;
  const after = value('retry-after');
  if (after) {
    if (!Number.isNaN(Number(after))) return Number(after);
    const date = Date.parse(after);
    if (!Number.isNaN(date)) return (date - Date.now()) / 1000;
  }
  const resets = [value('x-ratelimit-reset-requests'), value('x-ratelimit-reset-tokens')]
    .map((reset) => (reset ? durationSeconds(reset) : null))
    .filter((s): s is number => s !== null);
  return resets.length ? Math.max(...resets) : null;
}

/** `6m0s`, `1h2m`, `1.5s`, `250ms` → seconds; null when unreadable. */
export function durationSeconds(text: string): number | null {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  let total = 0;
  let matched = '';
  for (const [part, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    total += Number(amount) * units[unit!]!;
    matched += part;
  }
  return matched && matched === text.trim() ? total : null;
}

/** The Anthropic error type an in-stream error code implies (`rate_limit_exceeded`, `server_error`). */
export function statusForErrorCode(code: unknown): number {
  if (typeof code === 'number' && code >= 400) return code;
  const text = typeof code === 'string' || typeof code === 'number' ? String(code) : '';
  if (/^\d{3}$/.test(text)) return Number(text);
  if (/quota|billing|credit/i.test(text)) return 402;
  if (/rate.?limit|too.?many/i.test(text)) return 429;
  if (/overload|unavailable|capacity/i.test(text)) return 529;
  if (/timeout|deadline/i.test(text)) return 504;
  if (/auth|api.?key/i.test(text)) return 401;
  if (/context_length|invalid|bad.?request/i.test(text)) return 400;
  return 500;
}
