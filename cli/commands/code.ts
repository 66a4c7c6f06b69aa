import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { ConfigError } from '../../core/errors.ts';
import { answersHealth, startBackground, stopServer } from '../background.ts';
import { clientToken } from '../claude-settings.ts';
import { homePaths, type HomePaths } from '../home.ts';
import { dropLease, holdLease, liveLeases } from '../leases.ts';
import { withLock } from '../lock.ts';
import type { ServerFlags } from '../options.ts';
import { readServer, removeServer, type ServerRecord } from '../server-record.ts';

/**
 * `ccproxy code [claude args…]`: Claude Code through ccproxy. Uses the running server or starts
 * one in the background; a server it started stops when the last `code` session ends.
 */
export async function code(claudeArgs: string[], flags: ServerFlags): Promise<void> {
  const paths = homePaths();
  const server = await withLock(paths.lockFile, async () => {
    // The lease comes first: a server that `code` started never sees a moment with no lease.
    holdLease(paths);
    return ensureServer(paths, flags);
  });
  let exitCode: number;
  try {
    exitCode = await runClaude(paths, server.url, claudeArgs);
  } finally {
    dropLease(paths);
    await withLock(paths.lockFile, () => stopIfLast(paths, server));
  }
  process.exitCode = exitCode;
}

async function ensureServer(paths: HomePaths, flags: ServerFlags): Promise<ServerRecord> {
  const current = readServer(paths);
  if (current.state === 'running') {
    if (await answersHealth(current.record.url)) return current.record;
    throw new ConfigError(
      `the server recorded in ${paths.pidFile} (pid ${current.record.pid}, ${current.record.url}) does not answer /health; see ccproxy status`,
    );
  }
  if (current.state === 'stale') removeServer(paths, current.record.pid);
  const record = await startBackground(paths, flags, 'code');
  process.stderr.write(`ccproxy: started ${record.url} (pid ${record.pid}), log ${record.log}\n`);
  return record;
}

/** Stops the server if `code` started it and no other `code` session holds a lease on it. */
async function stopIfLast(paths: HomePaths, used: ServerRecord): Promise<void> {
  const current = readServer(paths);
  if (current.state !== 'running' || current.record.pid !== used.pid) return;
  if (current.record.owner !== 'code' || liveLeases(paths).length > 0) return;
  await stopServer(paths, current.record);
}

/**
 * Runs Claude Code (`CCPROXY_CLAUDE`, else `claude` on PATH) with stdio inherited; SIGTERM and
 * SIGHUP are passed on, and Ctrl-C reaches it from the terminal directly. Resolves with its exit
 * code (128 + the signal's number when a signal ended it).
 */
async function runClaude(paths: HomePaths, url: string, args: string[]): Promise<number> {
  const bin = process.env.CCPROXY_CLAUDE || 'claude';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ANTHROPIC_BASE_URL: url,
    ANTHROPIC_AUTH_TOKEN: clientToken(process.env),
  };
  // Both set, Claude Code reports an auth conflict; the token above carries the client key.
  delete env.ANTHROPIC_API_KEY;
  const child = spawn(bin, args, { stdio: 'inherit', env });
  if (child.pid !== undefined) holdLease(paths, child.pid);
  const forward = (signal: NodeJS.Signals) => () => void child.kill(signal);
  const handlers = {
    SIGTERM: forward('SIGTERM'),
    SIGHUP: forward('SIGHUP'),
    SIGINT: () => {}, // the terminal sends it to Claude Code too; it decides what Ctrl-C means
  };
  for (const [signal, handler] of Object.entries(handlers)) process.on(signal, handler);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'ENOENT'
            ? new ConfigError(
                `${bin}: not found; install Claude Code (npm install -g @anthropic-ai/claude-code) or set CCPROXY_CLAUDE to its path`,
              )
            : error,
        ),
      );
      child.once('exit', (exitCode, signal) =>
        resolve(exitCode ?? 128 + (signal ? constants.signals[signal] : 0)),
      );
    });
  } finally {
    for (const [signal, handler] of Object.entries(handlers)) process.off(signal, handler);
  }
}
