import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ProxyRuntime } from './app.ts';
import type { ResolvedConfig } from './config/load.ts';
import { watchConfig } from './config/watch.ts';
import { EventBus } from './events.ts';
import { closeUpstreams } from './http/client.ts';
import { applyLimits, requestStarted, serverOptions } from './http/limits.ts';
import { createLogger } from './log.ts';
import { Generations, type ReloadResult } from './reload.ts';
import type { ServerOptions } from './server.ts';

export interface StartOptions extends ServerOptions {
  /** How long `close()` lets open responses (long streams) finish before cutting them. Default 30 s. */
  graceMs?: number;
  /**
   * How long `close()` keeps accepting requests while `/health?ready` answers 503, so that a load
   * balancer stops sending before the port closes. Default `CCPROXY_DRAIN_MS`, else 0.
   */
  drainMs?: number;
  env?: NodeJS.ProcessEnv;
  /** A logger to use instead of the default stdout one (tests capture lines with it). */
  logger?: Logger;
  /**
   * Loads the config anew, for `reload()` and `POST /api/config/reload`. Absent: reloading
   * answers that it is off (ccproxy used as a library with a config object).
   */
  loadConfig?: () => Promise<ResolvedConfig>;
  /** Files whose change reloads the config (the config file, its `.env`). Default: none. */
  watch?: string[];
}

/** A running proxy. */
export interface RunningProxy {
  /** `http://host:port`, with the port actually bound (useful with `port: 0`). */
  url: string;
  /** The runtime serving new requests; a reload replaces it. */
  readonly runtime: ProxyRuntime;
  server: Server;
  /** The server's event bus (finished requests, switches, reloads), kept across reloads. */
  events: EventBus;
  /** Loads the config again and swaps it in; a broken config keeps the running one. */
  reload(): Promise<ReloadResult>;
  /**
   * Stops accepting (after the drain period, which a second call cuts short), lets open responses
   * finish, runs plugins' `close`, closes upstream pools.
   */
  close(): Promise<void>;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Sets up plugins and listens. Config mistakes throw ConfigError before the port opens. */
export async function startProxy(
  config: ResolvedConfig,
  options: StartOptions = {},
): Promise<RunningProxy> {
  const log = options.logger ?? createLogger({ level: config.logLevel, file: config.logFile });
  const events = new EventBus((error) => log.error({ err: error }, 'event listener failed'));
  const generations = new Generations({
    ...options,
    log,
    env: options.env ?? process.env,
    events,
  });
  await generations.start(config);
  // Open responses, so that close() can let them finish.
  const open = new Set<ServerResponse>();
  const server = createServer(serverOptions(config.server.limits), (req, res) => {
    requestStarted(req);
    open.add(res);
    res.once('close', () => {
      open.delete(res);
      if (open.size === 0) drained?.();
    });
    generations.listener(req, res);
  });
  applyLimits(server, config.server.limits);
  let drained: (() => void) | undefined;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, () => resolve());
  });
  const watcher = options.watch?.length
    ? watchConfig(options.watch, () => void generations.reload(), log)
    : null;
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  let skipDrain: (() => void) | undefined;
  return {
    url: `http://${shown}:${address.port}`,
    get runtime() {
      return generations.runtime;
    },
    server,
    events,
    reload: () => generations.reload(),
    close: () => {
      // A second call while draining means "now", like a second Ctrl-C.
      skipDrain?.();
      return (closing ??= (async () => {
        // `/health?ready` fails from now on: a load balancer stops sending before the port closes.
        generations.runtime.health.draining = true;
        const drainMs = options.drainMs ?? (Number(generations.runtime.env.CCPROXY_DRAIN_MS) || 0);
        if (drainMs > 0)
          await Promise.race([delay(drainMs), new Promise<void>((r) => (skipDrain = r))]);
        watcher?.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Long-lived responses (event streams) end now; the others finish (a stream mid-answer is
        // not cut) within the grace period; then every connection goes, including keep-alive
        // ones whose last request was refused early.
        const allClosed = new Promise<void>((resolve) => (drained = resolve));
        const shutdown = generations.shutdown();
        if (open.size === 0) drained!();
        await Promise.race([allClosed, delay(options.graceMs ?? 30_000)]);
        server.closeAllConnections();
        await closed;
        await shutdown;
        await closeUpstreams();
        log.flush();
      })());
    },
  };
}
