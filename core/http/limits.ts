import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import { Options, Type, type Static } from '../config/schema.ts';

/**
 * How long a client may take and how many may be connected at once. A request's timeouts end when
 * its body has arrived: a long streamed answer is never cut by them.
 */
export const ServerLimits = Options({
  /** Time to receive a request's headers, from the connection or the previous answer. Default 30 s. */
  headersTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Time to receive a whole request, headers and body. Default 120 s. */
  requestTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
  /** An idle keep-alive connection is closed after this. Default 65 s (above common load balancers' 60 s). */
  keepAliveTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Connections beyond this are closed as they arrive. Default 512. */
  maxConnections: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type ServerLimits = Static<typeof ServerLimits>;

export const DEFAULT_LIMITS: Required<ServerLimits> = {
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 65_000,
  maxConnections: 512,
};

/** Options for `http.createServer` that enforce `limits` (defaults filled in). */
export function serverOptions(limits: ServerLimits = {}) {
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs } = {
    ...DEFAULT_LIMITS,
    ...limits,
  };
  return {
    // Node requires headersTimeout ≤ requestTimeout; with requestTimeout 0 it checked neither.
    headersTimeout: Math.min(headersTimeoutMs, requestTimeoutMs),
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    // Node checks both timeouts on this period (30 s by default): a tenth of the shorter one closes
    // a slow client close to its deadline, however short it is set.
    connectionsCheckingInterval: Math.max(
      50,
      Math.min(30_000, Math.floor(Math.min(headersTimeoutMs, requestTimeoutMs) / 10)),
    ),
  };
}

/**
 * Applies what `createServer` options cannot: the connection cap (Node closes each connection past
 * it as it arrives), and a deadline for a connection that sends nothing at all, which Node's
 * header timeout does not see (it starts at a request's first byte). `onRequest` lifts that
 * deadline: a request waiting on a slow upstream has no socket activity either.
 */
export function applyLimits(server: Server, limits: ServerLimits = {}): void {
  const { maxConnections, headersTimeoutMs } = { ...DEFAULT_LIMITS, ...limits };
  server.maxConnections = maxConnections;
  server.on('connection', (socket: Socket) => socket.setTimeout(headersTimeoutMs));
}

/** Called as a request starts: the silent-connection deadline no longer applies. */
export function requestStarted(req: IncomingMessage): void {
  req.socket.setTimeout(0);
}
