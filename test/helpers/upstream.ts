import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

/** A request the scripted upstream received: headers lower-case, body parsed when JSON. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  url: string;
  headers: IncomingMessage['headers'];
  body: any;
  raw: string;
}

export type UpstreamHandler = (
  req: RecordedRequest,
  res: ServerResponse,
  http: IncomingMessage,
) => void | Promise<void>;

export interface ScriptedUpstream {
  /** `http://127.0.0.1:PORT` */
  url: string;
  requests: RecordedRequest[];
  /** Requests whose connection the proxy closed before the answer ended (client-disconnect tests). */
  aborted: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A scripted upstream on 127.0.0.1. Each request is recorded, then handed to `handler`; a handler
 * list answers the n-th request with the n-th entry (the last one repeats). Closed by `t.after`.
 */
export async function scriptedUpstream(
  t: TestContext | null,
  handler: UpstreamHandler | UpstreamHandler[],
): Promise<ScriptedUpstream> {
  const requests: RecordedRequest[] = [];
  const aborted: RecordedRequest[] = [];
  const server = createServer((http, res) => void answer(http, res));
  async function answer(http: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of http) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // not JSON: keep the text
    }
    const recorded: RecordedRequest = {
      method: http.method ?? 'GET',
      url: http.url ?? '/',
      headers: http.headers,
      body,
      raw,
    };
    requests.push(recorded);
    res.once('close', () => {
      if (!res.writableFinished) aborted.push(recorded);
    });
    const pick = Array.isArray(handler)
      ? handler[Math.min(requests.length - 1, handler.length - 1)]!
      : handler;
    try {
      await pick(recorded, res, http);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    }
  }
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  t?.after(close);
  return { url: `http://127.0.0.1:${port}`, requests, aborted, close };
}

/** Answers with a JSON body. */
export function replyJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export interface SseOptions {
  /** Wait this long before each write after the first (pacing, stalls). */
  delayMs?: number;
  headers?: Record<string, string>;
  /** Leave the connection open without ending (for abort tests); `destroy` cuts it. */
  end?: 'end' | 'destroy' | 'hang';
}

/**
 * Streams raw SSE text: each string is written as one chunk, verbatim, so tests control line
 * endings, comments and splits. `sseData(obj)` builds a `data: …\n\n` chunk.
 */
export async function replySse(
  res: ServerResponse,
  chunks: readonly (string | Uint8Array)[],
  options: SseOptions = {},
): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', ...options.headers });
  res.flushHeaders();
  for (const [i, chunk] of chunks.entries()) {
    if (i > 0 && options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    if (res.destroyed) return;
    res.write(chunk);
  }
  if (options.end === 'destroy') res.destroy();
  else if (options.end !== 'hang') res.end();
}

/** One `data:` event; `event` adds an `event:` line (Anthropic, Responses). */
export const sseData = (data: unknown, event?: string): string =>
  `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

/** A whole OpenAI Chat Completions answer saying `content` (3 tokens in, 1 out). */
export const chatCompletion = (model: string, content: string, finishReason = 'stop') => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model,
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finishReason }],
  usage: { prompt_tokens: 3, completion_tokens: 1 },
});
