import type { ProxyError } from '../../../core/index.ts';
import { upstreamError } from '../shared/errors.ts';
import { parseErrorBody } from '../shared/http.ts';

/** A non-2xx Responses answer (`{"error":{message, type, param, code}}`) → the client's error. */
export function responsesHttpError(
  provider: string,
  status: number,
  text: string,
  headers: Record<string, string | string[] | undefined>,
): ProxyError {
  const body = parseErrorBody(text) as
    { error?: { message?: string; code?: string | null; type?: string } } | string;
  const error = typeof body === 'object' ? body?.error : undefined;
  const message = error?.message ?? (typeof body === 'string' ? body : `HTTP ${status}`);
  return upstreamError({ provider, status, message, code: error?.code ?? error?.type, headers });
}
