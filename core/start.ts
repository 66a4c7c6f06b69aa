import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { ProxyRuntime } from './app.ts';
import type { ResolvedConfig } from './config/load.ts';
import { ConfigError } from './errors.ts';
import { closeUpstreams } from './http/client.ts';
import { createLogger } from './log.ts';
import { createRequestListener, type ServerOptions } from './server.ts';

export interface StartOptions extends ServerOptions {
  /** How long `close()` lets open responses (long streams) finish before cutting them. Default 30 s. */
  graceMs?: number;
  env?: NodeJS.ProcessEnv;
  /** A logger to use instead of the default stdout one (tests capture lines with it). */
  logger?: Logger;
}

/** A running proxy. */
export interface RunningProxy {
  /** `http://host:port`, with the port actually bound (useful with `port: 0`). */
  url: string;
  runtime: ProxyRuntime;
  server: Server;
  /** Stops accepting, lets open responses finish, runs plugins' `close`, closes upstream pools. */
  close(): Promise<void>;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/;

export const isLoopback = (host: string): boolean => LOOPBACK.test(host);

/** Sets up plugins and listens. Config mistakes throw ConfigError before the port opens. */
export async function startProxy(
  config: ResolvedConfig,
  options: StartOptions = {},
): Promise<RunningProxy> {
  const log = options.logger ?? createLogger({ level: config.logLevel });
  const runtime = new ProxyRuntime(config, log, options.env ?? process.env);
  await runtime.setup();
  const { host, allowOpen } = config.server;
  if (!isLoopback(host) && !allowOpen && !runtime.pipeline.plugins.some((p) => p.name === 'auth')) {
    throw new ConfigError(
      `${runtime.source}: server.host: "${host}" is not loopback and no auth plugin is configured; ` +
        'add auth({ keys }) or set server.allowOpen (CCPROXY_ALLOW_OPEN=1) to serve anyone',
    );
  }
  const listener = createRequestListener(runtime, options);
  // Open responses, so that close() can let them finish.
  const open = new Set<ServerResponse>();
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
    open.add(res);
    res.once('close', () => {
      open.delete(res);
      if (open.size === 0) drained?.();
    });
    listener(req, res);
  });
  let drained: (() => void) | undefined;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shown}:${address.port}`,
    runtime,
    server,
    close: () =>
      (closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Open responses finish (a stream mid-answer is not cut) within the grace period; then
        // every connection goes, including keep-alive ones whose last request was refused early.
        const allClosed = new Promise<void>((resolve) => (drained = resolve));
        if (open.size === 0) drained!();
        await Promise.race([allClosed, delay(options.graceMs ?? 30_000)]);
        server.closeAllConnections();
        await closed;
        await runtime.pipeline.close(log);
        await closeUpstreams();
        log.flush();
      })()),
  };
}
