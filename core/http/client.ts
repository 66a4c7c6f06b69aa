import type { IncomingHttpHeaders } from 'node:http';
import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import type { AbortSource } from '../abort.ts';
import { ProxyError } from '../errors.ts';
import { utf8Bytes } from './utf8.ts';
import { UPSTREAM_BODY_LIMIT_BYTES, UpstreamBody, abortError } from './upstream-body.ts';

export { UpstreamBody };

/** Timeouts of one upstream call, in milliseconds. */
export interface UpstreamTimeouts {
  /** TCP + TLS connect. Default 10 s. */
  connectMs?: number;
  /** Until the response headers arrive. Default 600 s, Claude Code's own `API_TIMEOUT_MS`. */
  firstByteMs?: number;
  /** Between two body chunks. Default 300 s. */
  idleMs?: number;
}

export interface UpstreamCall {
  url: string;
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  /** A string is sent as its UTF-8 bytes (encoded here rather than by undici: see `utf8Bytes`). */
  body?: string | Buffer;
  /** An `AbortSignal`, or a request's `ctx.abortSource` (which makes none). */
  signal: AbortSource;
  timeouts?: UpstreamTimeouts;
}

export interface UpstreamResponse {
  statusCode: number;
  /** Lower-case names; a repeated header is an array. */
  headers: IncomingHttpHeaders;
  body: UpstreamBody;
}

const DEFAULTS = { connectMs: 10_000, firstByteMs: 600_000, idleMs: 300_000 };
const agents = new Map<string, Agent>();
const byObject = new WeakMap<UpstreamTimeouts, Agent>();

/**
 * One undici Agent per timeout profile; each keeps a keep-alive pool per upstream origin, so a
 * request reuses a warm connection instead of paying a TCP (and TLS) handshake.
 */
function agentFor(timeouts: UpstreamTimeouts = DEFAULTS): Agent {
  // Providers pass the same timeouts object on every call: it finds its agent without a key.
  const known = byObject.get(timeouts);
  if (known && !known.closed) return known;
  const t = { ...DEFAULTS, ...timeouts };
  const key = `${t.connectMs}/${t.firstByteMs}/${t.idleMs}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({
      connect: { timeout: t.connectMs },
      headersTimeout: t.firstByteMs,
      bodyTimeout: t.idleMs,
      keepAliveTimeout: 30_000,
    });
    agents.set(key, agent);
  }
  byObject.set(timeouts, agent);
  return agent;
}

/**
 * Sends one upstream request; resolves at the response headers. Transport failures become
 * ProxyErrors with the Anthropic type of PROTOCOL §7.6: refused/DNS/TLS → 502 `api_error`,
 * timeouts → 504 `timeout_error`. Dispatched with a handler of ccproxy's own rather than through
 * undici's `request()`, whose Readable body costs more per answer than the conversion of it.
 */
export function callUpstream(call: UpstreamCall, provider: string): Promise<UpstreamResponse> {
  const { signal } = call;
  if (signal.aborted) return Promise.reject(abortError());
  const { origin, path } = splitUrl(call.url);
  return new Promise((resolve, reject) => {
    let body: UpstreamBody | null = null;
    let controller: Dispatcher.DispatchController | null = null;
    const onAbort = () => controller?.abort(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = (error: Error | null) => {
      signal.removeEventListener('abort', onAbort);
      const failure = error && (transportError(error, provider) as Error);
      if (body) body.finish(failure);
      else reject(failure ?? (transportError(new Error('no response'), provider) as Error));
    };
    agentFor(call.timeouts).dispatch(
      {
        origin,
        path,
        method: call.method ?? 'POST',
        headers: call.headers,
        body: typeof call.body === 'string' ? utf8Bytes(call.body) : call.body,
      },
      {
        onRequestStart(c) {
          controller = c;
          if (signal.aborted) c.abort(abortError());
        },
        onResponseStart(c, statusCode, headers) {
          // Streams are bounded per event or line by their parser, not as a whole.
          const stream = /^(text\/event-stream|application\/x-ndjson)/i.test(
            String(headers['content-type'] ?? ''),
          );
          body = new UpstreamBody(c, stream ? Infinity : UPSTREAM_BODY_LIMIT_BYTES, provider);
          resolve({ statusCode, headers, body });
        },
        onResponseData: (_c, chunk) => body?.push(chunk),
        onResponseEnd: () => settle(null),
        onResponseError: (_c, error) => settle(error),
      },
    );
  });
}

const urls = new Map<string, { origin: string; path: string }>();

/** `origin` and `path?query` of a URL; the few distinct upstream URLs are parsed once each. */
function splitUrl(url: string): { origin: string; path: string } {
  let parts = urls.get(url);
  if (!parts) {
    const parsed = new URL(url);
    parts = { origin: parsed.origin, path: parsed.pathname + parsed.search };
    if (urls.size >= 1000) urls.clear();
    urls.set(url, parts);
  }
  return parts;
}

/** A transport failure (before or during the body) as the error the client should see. */
export function transportError(error: unknown, provider: string): unknown {
  if (ProxyError.is(error)) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  if (
    error instanceof undiciErrors.ConnectTimeoutError ||
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError
  ) {
    return new ProxyError(
      'timeout_error',
      504,
      `${provider}: upstream timed out (${error.message})`,
      { cause: error },
    );
  }
  const code = (error as { code?: string } | null)?.code ?? '';
  const detail = code || (error instanceof Error ? error.message : String(error));
  return new ProxyError('api_error', 502, `${provider}: upstream unreachable (${detail})`, {
    cause: error,
  });
}

/** Closes every pooled connection (graceful shutdown). */
export async function closeUpstreams(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((agent) => agent.close()));
}
