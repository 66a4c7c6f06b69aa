import { Agent, errors as undiciErrors, request, type Dispatcher } from 'undici';
import { ProxyError } from '../errors.ts';

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
  body?: string;
  signal: AbortSignal;
  timeouts?: UpstreamTimeouts;
}

export type UpstreamResponse = Dispatcher.ResponseData;

const DEFAULTS = { connectMs: 10_000, firstByteMs: 600_000, idleMs: 300_000 };
const agents = new Map<string, Agent>();

/**
 * One undici Agent per timeout profile; each keeps a keep-alive pool per upstream origin, so a
 * request reuses a warm connection instead of paying a TCP (and TLS) handshake.
 */
function agentFor(timeouts: UpstreamTimeouts = {}): Agent {
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
  return agent;
}

/**
 * Sends one upstream request. Transport failures become ProxyErrors with the Anthropic type of
 * PROTOCOL §7.6: refused/DNS/TLS → 502 `api_error`, timeouts → 504 `timeout_error`.
 */
export async function callUpstream(
  call: UpstreamCall,
  provider: string,
): Promise<UpstreamResponse> {
  try {
    return await request(call.url, {
      method: call.method ?? 'POST',
      headers: call.headers,
      body: call.body,
      signal: call.signal,
      dispatcher: agentFor(call.timeouts),
    });
  } catch (error) {
    throw transportError(error, provider);
  }
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
