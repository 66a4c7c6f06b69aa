import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { errorBody, type ProxyError } from '../errors.ts';

/** Writes a whole JSON answer with its length (no chunked encoding for a body known in full). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders,
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** An Anthropic error answer (PROTOCOL §4) with the error's own headers (`retry-after`…). */
export function sendError(res: ServerResponse, error: ProxyError, requestId: string): void {
  sendJson(res, error.status, errorBody(error, requestId), {
    ...error.headers,
    'request-id': requestId,
  });
}
