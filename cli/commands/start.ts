import { once } from 'node:events';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import pino from 'pino';
import type { RunningProxy } from '../../core/index.ts';
import { rotate, startBackground, startedMessage } from '../background.ts';
import { dotenvNote } from '../dotenv.ts';
import { homePaths, type HomePaths } from '../home.ts';
import { withLock } from '../lock.ts';
import { loadServerConfig, type ServerFlags } from '../options.ts';
import { liveLeases } from '../leases.ts';
import { readServer, removeServer, writeServer, type ServerOwner } from '../server-record.ts';
import { version } from '../version.ts';
import { keepWasmOnBaseline } from '../wasm-baseline.ts';

export interface StartFlags extends ServerFlags {
  /** `start -d`: in the background, returning once `/health` answers. */
  daemon?: boolean;
  /** Internal: this process is the background server, started by `start -d` or `code`. */
  background?: ServerOwner;
}

/** `ccproxy [start]`: the server in the foreground, or with `-d` in the background. */
export async function start(flags: StartFlags): Promise<void> {
  const paths = homePaths();
  if (flags.daemon) return daemon(paths, flags);
  return serve(paths, flags, flags.background ?? 'foreground');
}

async function daemon(paths: HomePaths, flags: ServerFlags): Promise<void> {
  await withLock(paths.lockFile, async () => {
    const current = readServer(paths);
    if (current.state === 'running') {
      const { pid, url } = current.record;
      process.stderr.write(`ccproxy is already running: ${url} (pid ${pid})\n`);
      return;
    }
    const record = await startBackground(paths, flags, 'start');
    process.stdout.write(startedMessage(record));
  });
}

/** Background logs rotate past this size; `KEPT_LOGS` old ones are kept. */
const LOG_MAX_BYTES = 10 * 1024 * 1024;

async function serve(paths: HomePaths, flags: ServerFlags, owner: ServerOwner): Promise<void> {
  keepWasmOnBaseline();
  const config = await loadServerConfig(flags, 'start');
  const [{ startProxy }, { banner }, { consoleDestination, createLogger, logFormat }] =
    await Promise.all([
      import('../../core/index.ts'),
      import('../banner.ts'),
      import('../../core/log.ts'),
    ]);
  const background = owner !== 'foreground';
  // A background server writes its own log file, so that it can reopen it after a rotation.
  const destination = background
    ? pino.destination({ dest: paths.logFile, append: true, sync: false, mkdir: true })
    : undefined;
  // CCPROXY_LOG_FILE: a foreground server's log lines go there; its banner stays on the terminal.
  const logFile = config.logFile
    ? pino.destination({ dest: config.logFile, append: true, sync: false, mkdir: true })
    : undefined;
  // Ready before anything may exit: pino cannot flush a file it has not opened yet.
  if (destination) await once(destination, 'ready');
  if (logFile) await once(logFile, 'ready');
  const logs =
    destination ??
    logFile ??
    (await consoleDestination(logFormat(process.env, process.stdout.isTTY)));
  const logger = createLogger({ level: config.logLevel, destination: logs });
  // The config file and the .env in the working directory are watched: a save reloads them.
  const watch = [config.file, resolve('.env')].filter((file) => file !== null);
  const reload = () => loadServerConfig(flags, 'start');
  const proxy = await startProxy(config, { logger, loadConfig: reload, watch });
  // On the logs' stream, so that a terminal, a pipe or the log file shows it in order with them.
  if (destination) destination.write(banner(proxy, version, dotenvNote()));
  else process.stdout.write(banner(proxy, version, dotenvNote()));
  // A second foreground server (another port) leaves the first one's PID file alone.
  const recorded = background || readServer(paths).state !== 'running';
  if (recorded) {
    writeServer(paths, {
      pid: process.pid,
      url: proxy.url,
      startedAt: new Date().toISOString(),
      version,
      owner,
      config: config.file,
      ...(background ? { log: paths.logFile } : {}),
      flags: { ...flags, config: config.file ?? undefined },
    });
  }
  if (destination) {
    setInterval(() => {
      if ((statSync(paths.logFile, { throwIfNoEntry: false })?.size ?? 0) < LOG_MAX_BYTES) return;
      rotate(paths.logFile);
      destination.reopen();
    }, 30_000).unref();
  }
  const shutdown = shutdownOnSignals(proxy, () => recorded && removeServer(paths, process.pid));
  if (owner === 'code') watchLeases(paths, shutdown);
  // Tell `start -d` (or `code`) that it listens; it then checks /health itself.
  if (process.send) process.send({ url: proxy.url }, () => process.disconnect?.());
}

/** How often a server started by `code` looks for live `code` sessions. */
const LEASE_CHECK_MS = 2000;

/**
 * A server started by `code` stops once no `code` session holds a lease: the last session stops it
 * when it ends, and this check covers sessions that were killed before they could.
 */
function watchLeases(paths: HomePaths, shutdown: (reason: string) => Promise<void>): void {
  const timer = setInterval(() => {
    if (liveLeases(paths).length > 0) return;
    // Under the lock, so that a `code` session starting now either sees this server gone or
    // has its lease seen here.
    void withLock(paths.lockFile, async () => {
      if (liveLeases(paths).length > 0) return false;
      clearInterval(timer);
      removeServer(paths, process.pid);
      await shutdown('no ccproxy code session is left');
      return true;
    }).then((stopped) => stopped && process.exit(0));
  }, LEASE_CHECK_MS);
  timer.unref();
}

/**
 * SIGINT/SIGTERM: open streams finish (up to 30 s), then exit 0; a second Ctrl-C exits at once.
 * Returns the same graceful shutdown for other reasons to stop.
 */
function shutdownOnSignals(
  proxy: RunningProxy,
  cleanup: () => void,
): (reason: string) => Promise<void> {
  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string) =>
    (stopping ??= (async () => {
      proxy.runtime.log.info({ reason }, 'shutting down');
      try {
        await proxy.close();
      } finally {
        cleanup();
      }
    })());
  const onSignal = (signal: string) => {
    if (stopping) process.exit(130);
    shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`ccproxy: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  return shutdown;
}
