import type { ClientInfo } from './context.ts';
import { isLoopback } from './net.ts';

/** How one part of the server is doing, as `GET /health` shows it. */
export interface HealthReport {
  /** `degraded`: serving, with a part failing; `unavailable`: no request can be served. */
  status: 'ok' | 'degraded' | 'unavailable';
  /** Anything else is merged into the `/health` body (e.g. `providers`, `storage`). */
  [field: string]: unknown;
}

/**
 * A plugin's part of `/health`. `detail` is false for callers that may not see error texts;
 * a check that throws or takes over a second reports its part as degraded.
 */
export type HealthCheck = (detail: boolean) => HealthReport | Promise<HealthReport>;

const RANK = { ok: 0, degraded: 1, unavailable: 2 } as const;
const CHECK_TIMEOUT_MS = 1000;

/** The checks plugins registered, and whether the server is draining for shutdown. */
export class Health {
  private readonly checks: [string, HealthCheck][] = [];
  /** Set when shutdown begins: `/health?ready` fails so a load balancer stops sending. */
  draining = false;

  add(name: string, check: HealthCheck): void {
    this.checks.push([name, check]);
  }

  /** Every check's report merged, the worst status winning. */
  async report(detail: boolean): Promise<HealthReport> {
    const reports = await Promise.all(this.checks.map(([name, check]) => run(name, check, detail)));
    const body: HealthReport = { status: 'ok' };
    for (const { status, ...fields } of reports) {
      Object.assign(body, fields);
      if (RANK[status] > RANK[body.status]) body.status = status;
    }
    return body;
  }

  /**
   * `GET /health`: 200 while requests can be served (`ok` or `degraded`), 503 when none can;
   * `GET /health?ready`: also 503 while draining. No auth: probes and load balancers call it.
   */
  async answer(
    client: ClientInfo,
    ready: boolean,
  ): Promise<{ status: number; body: HealthReport }> {
    const body = await this.report(showsDetail(client));
    if (ready) body.ready = !this.draining && body.status !== 'unavailable';
    if (ready && this.draining) body.status = 'unavailable';
    return { status: body.status === 'unavailable' ? 503 : 200, body };
  }
}

/**
 * Error texts go to a caller with a verified client key; with no keys configured (or no auth
 * plugin), to a loopback caller. Behind a reverse proxy every caller is loopback, so loopback
 * alone is not enough once keys exist.
 */
function showsDetail(client: ClientInfo): boolean {
  if (client.access === 'key') return true;
  return client.access !== 'anonymous' && isLoopback(client.ip);
}

async function run(name: string, check: HealthCheck, detail: boolean): Promise<HealthReport> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([check(detail), late]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'degraded', [name]: { error: detail ? message : 'check failed' } };
  } finally {
    clearTimeout(timer);
  }
}
