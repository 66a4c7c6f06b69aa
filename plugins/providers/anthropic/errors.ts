import {
  ProxyError,
  errorTypeForStatus,
  statusForErrorType,
  type ErrorType,
} from '../../../core/index.ts';
import { parseErrorBody } from '../shared/http.ts';

/** Headers that tell a client how to retry; Anthropic's pass unchanged (PROTOCOL §4, F4). */
const RETRY_HEADERS = /^(retry-after|retry-after-ms|x-should-retry|anthropic-ratelimit-.*)$/;

/**
 * An Anthropic error response, unchanged for the client (F4): its status, its `error.type` and
 * message, and its retry and rate-limit headers. Anthropic-compatible vendors that answer in
 * another shape get the type their status implies and their text as the message.
 */
export function anthropicError(
  provider: string,
  status: number,
  text: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): ProxyError {
  const body = parseErrorBody(text) as
    { error?: { type?: string; message?: string }; message?: string } | string;
  const error = typeof body === 'object' && body !== null ? body.error : undefined;
  const known = error?.type === 'api_error' || statusForErrorType(error?.type ?? '') !== 500;
  const message =
    error?.message ?? (typeof body === 'string' ? body : body?.message) ?? `HTTP ${status}`;
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && RETRY_HEADERS.test(name))
      kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const type = known ? (error!.type as ErrorType) : errorTypeForStatus(status);
  return new ProxyError(type, status, message, { headers: kept });
}
