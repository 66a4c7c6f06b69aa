import type { ProxyError } from '../../../core/index.ts';
import { upstreamError } from '../shared/errors.ts';
import type { ChatErrorBody } from './types.ts';

/**
 * A non-2xx Chat Completions answer → the client's error (PROTOCOL §6.3, §7.6). Reads OpenAI's
 * `{"error":{message,type,code}}`, vLLM's top-level `{"object":"error",message}`, a bare string,
 * or plain text.
 */
export function chatHttpError(
  provider: string,
  status: number,
  text: string,
  headers: Record<string, string | string[] | undefined>,
  clientKey = false,
): ProxyError {
  const { message, code } = readErrorBody(text);
  return upstreamError({ provider, status, message, code, headers, clientKey });
}

/** The message and code of an error body, whatever its shape. */
export function readErrorBody(text: string): { message: string; code?: string } {
  let body: ChatErrorBody | ChatErrorBody[];
  try {
    body = JSON.parse(text) as ChatErrorBody | ChatErrorBody[];
  } catch {
    return { message: text.trim().slice(0, 2000) };
  }
  // Some gateways wrap the error in an array.
  const first = Array.isArray(body) ? body[0] : body;
  const error = first?.error;
  if (typeof error === 'string') return { message: error };
  const message = error?.message ?? first?.message ?? text.slice(0, 2000);
  const code = error?.code ?? error?.type ?? first?.code ?? first?.type;
  return { message, code: code === null || code === undefined ? undefined : String(code) };
}
