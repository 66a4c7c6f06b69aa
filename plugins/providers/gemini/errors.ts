import type { ProxyError } from '../../../core/index.ts';
import { upstreamError } from '../shared/errors.ts';
import { parseErrorBody } from '../shared/http.ts';
import type { GeminiError } from './types.ts';

/** Google's canonical status names → the HTTP status they stand for (PROTOCOL §8.5). */
const STATUS: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/**
 * A Gemini error (`{"error":{code, message, status, details}}`, an array of them on the stream
 * endpoint, or one inside the stream) as the client's error: `RESOURCE_EXHAUSTED` → 429 with
 * `retry-after` from `RetryInfo.retryDelay`, `API_KEY_INVALID` → 401 (I11).
 */
export function geminiError(provider: string, status: number, error: GeminiError): ProxyError {
  const details = error.details ?? [];
  const reason = details.find((d) => d.reason)?.reason;
  const delay = details.find((d) => typeof d.retryDelay === 'string')?.retryDelay;
  let mapped = (error.status && STATUS[error.status]) || status;
  if (reason === 'API_KEY_INVALID') mapped = 401;
  return upstreamError({
    provider,
    status: mapped,
    message: error.message ?? error.status ?? `HTTP ${status}`,
    code: error.status,
    headers: delay ? { 'retry-after': String(Number.parseFloat(delay)) } : {},
  });
}

/** Reads a Gemini error response body. */
export function geminiErrorFromBody(provider: string, status: number, text: string): ProxyError {
  const body = parseErrorBody(text);
  const first = (Array.isArray(body) ? body[0] : body) as
    { error?: GeminiError } | string | undefined;
  const error =
    typeof first === 'object' && first?.error
      ? first.error
      : { message: typeof first === 'string' ? first : undefined };
  return geminiError(provider, status, error);
}
