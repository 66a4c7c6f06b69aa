import type { IncomingMessage } from 'node:http';
import type { ProxyRuntime } from '../app.ts';
import type { ClientInfo } from '../context.ts';
import { TELEMETRY_LIMIT_BYTES, discardBody } from '../http/body.ts';

/** A probe's answer: a status and a JSON body (none for `HEAD`). */
export interface ProbeAnswer {
  status: number;
  body?: unknown;
}

/** What a probe reads of its request: the request (a body to drain), the client, the query. */
export interface ProbeRequest {
  req: IncomingMessage;
  client: ClientInfo;
  query: URLSearchParams;
}

/** Answers one probe route; a thrown `ProxyError` is the client's error answer. */
export type Probe = (request: ProbeRequest) => ProbeAnswer | Promise<ProbeAnswer>;

const HELLO = { name: 'ccproxy', status: 'ok' };

/**
 * The core routes a Claude Code session calls besides the messages endpoints, by `METHOD path`:
 * its probes before the first request (`HEAD /`, `HEAD /api/hello`, PROTOCOL §5.3: no auth, no
 * upstream call), its telemetry (drained unbuffered and dropped, so that it does not retry), and
 * `/health`, which `ccproxy code` and `start -d` wait for. The listener answers them on bare
 * node:http, as it does the messages endpoints, so that a Claude Code session never loads Koa;
 * Koa's router has them too, for the methods they refuse (405 with `Allow`).
 */
export function probes(runtime: ProxyRuntime): ReadonlyMap<string, Probe> {
  const health: Probe = ({ client, query }) => runtime.health.answer(client, query.has('ready'));
  return new Map<string, Probe>([
    ['HEAD /', () => ({ status: 200 })],
    ['GET /', () => ({ status: 200, body: HELLO })],
    ['HEAD /api/hello', () => ({ status: 200 })],
    ['GET /api/hello', () => ({ status: 200, body: HELLO })],
    [
      'POST /api/event_logging/batch',
      async ({ req }) => {
        await discardBody(req, TELEMETRY_LIMIT_BYTES);
        return { status: 200, body: {} };
      },
    ],
    ['GET /health', health],
    ['HEAD /health', health],
  ]);
}
