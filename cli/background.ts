import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import type { HomePaths } from './home.ts';
import type { ServerFlags } from './options.ts';
import { cliCommand, waitForExit } from './process.ts';
import { readServer, removeServer, type ServerOwner, type ServerRecord } from './server-record.ts';

/** How many rotated logs are kept beside the current one (`ccproxy.log.1` … `.4`). */
export const KEPT_LOGS = 4;

/** Renames `file` to `file.1`, `file.1` to `file.2` …, dropping the oldest. */
export function rotate(file: string): void {
  for (let i = KEPT_LOGS - 1; i >= 1; i--)
    if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`);
  if (existsSync(file)) renameSync(file, `${file}.1`);
}

/** The command-line flags that reproduce `flags` (for the background process, and `restart`). */
export function flagArgs(flags: ServerFlags): string[] {
  return [
    ...(flags.config ? ['--config', flags.config] : []),
    ...(flags.host ? ['--host', flags.host] : []),
    ...(flags.port !== undefined ? ['--port', String(flags.port)] : []),
    ...(flags.allowOpen ? ['--allow-open'] : []),
  ];
}

/** The last lines of the log, for a start-up failure's message. */
function logTail(file: string, lines = 8): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Starts the server as a detached process logging to `CCPROXY_HOME/logs/ccproxy.log`, and resolves
 * once it listens and `/health` answers. The process writes the PID file itself (it alone knows its
 * URL, the port may be 0). Fails with the reason and the log's path when it exits first.
 */
export async function startBackground(
  paths: HomePaths,
  flags: ServerFlags,
  owner: ServerOwner,
): Promise<ServerRecord> {
  mkdirSync(dirname(paths.logFile), { recursive: true });
  rotate(paths.logFile);
  const log = openSync(paths.logFile, 'a', 0o600);
  // The config's relative path is the caller's: the server runs from the same folder, and as this
  // process runs.
  const [node, ...cli] = cliCommand();
  const child = spawn(node!, [...cli, 'start', '--background', owner, ...flagArgs(flags)], {
    detached: true,
    stdio: ['ignore', log, log, 'ipc'],
    env: process.env,
  });
  closeSync(log);
  const outcome = await new Promise<{ url?: string; exit?: string }>((resolve) => {
    child.once('message', (message: { url?: string }) => resolve({ url: message.url }));
    child.once('exit', (code, signal) => resolve({ exit: signal ?? `code ${code}` }));
    child.once('error', (error) => resolve({ exit: error.message }));
  });
  child.removeAllListeners();
  if (child.connected) child.disconnect();
  child.unref();
  if (!outcome.url || !(await answersHealth(outcome.url))) {
    if (!outcome.exit) {
      child.kill('SIGKILL');
      removeServer(paths, child.pid!);
    }
    const tail = logTail(paths.logFile);
    throw new ConfigError(
      `the background server ${outcome.exit ? `exited (${outcome.exit})` : 'did not answer /health'} before it was ready` +
        `${tail ? `:\n${tail}` : ''}\nlog: ${paths.logFile}`,
    );
  }
  const state = readServer(paths);
  if (state.state !== 'running')
    throw new ConfigError(`${paths.pidFile}: not written by the server`);
  return state.record;
}

/** What `start -d` and `restart` print once the server answers. */
export const startedMessage = (record: ServerRecord): string =>
  `ccproxy ${record.version} started in the background: ${record.url} (pid ${record.pid})\n` +
  `log: ${record.log}\nstop it with: ccproxy stop\n`;

/** Whether `GET /health` answers 200 within `timeoutMs`. */
export async function answersHealth(url: string, timeoutMs = 5000): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** How long `stop` waits for open streams before it kills: the server's own grace plus a margin. */
const STOP_TIMEOUT_MS = 35_000;

/**
 * Sends SIGTERM (the server lets open streams finish, up to 30 s, then exits) and waits; SIGKILL
 * past that. Resolves with how it ended.
 */
export async function stopServer(
  paths: HomePaths,
  record: ServerRecord,
  timeoutMs = STOP_TIMEOUT_MS,
): Promise<'stopped' | 'killed'> {
  process.kill(record.pid, 'SIGTERM');
  let how: 'stopped' | 'killed' = 'stopped';
  if (!(await waitForExit(record.pid, timeoutMs))) {
    process.kill(record.pid, 'SIGKILL');
    await waitForExit(record.pid, 5000);
    how = 'killed';
  }
  removeServer(paths, record.pid);
  return how;
}
