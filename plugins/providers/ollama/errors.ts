import type { ProxyError, UpstreamResponse } from '../../../core/index.ts';
import { upstreamError } from '../shared/errors.ts';
import { parseErrorBody } from '../shared/http.ts';

/**
 * An Ollama error (`{"error": "model \"x\" not found, try pulling it first"}`, 404 for an unknown
 * model) → the client's error; the same words whether it came as a status or as a stream line.
 */
export function ollamaError(
  provider: string,
  status: number,
  text: string,
  headers: UpstreamResponse['headers'] = {},
): ProxyError {
  const body = parseErrorBody(text) as { error?: unknown } | string;
  const error = typeof body === 'object' ? body?.error : body;
  const message = typeof error === 'string' && error ? error : `HTTP ${status}`;
  return upstreamError({ provider, status, message, headers });
}
