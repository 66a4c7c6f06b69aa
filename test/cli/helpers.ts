import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import { isAlive } from '../../cli/process.ts';

/** The repository root, for the CLI's sources and `npm pack`. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/**
 * The CLI as tests run it: its TypeScript sources through tsx, so a test needs no build (the
 * packed-tarball test runs the built bin). tsx by file URL: the child's working directory is
 * elsewhere.
 */
const SOURCES = ['--import', import.meta.resolve('tsx'), join(ROOT, 'cli', 'main.ts')];

/** Each test's CLI children, stopped before any of its folders is removed. */
const children = new WeakMap<TestContext, Array<() => Promise<void>>>();

/** Kills (SIGKILL) and awaits every CLI child the test started; safe to call twice. */
const stopChildren = (t: TestContext) => Promise.all((children.get(t) ?? []).map((stop) => stop()));

/**
 * A fresh directory removed by `t.after`: a working directory or a HOME with no config in it.
 * The test's CLI children are stopped first, whatever the order the hooks were added in: a
 * server still writing its SQLite files there makes the removal fail with ENOTEMPTY.
 */
export function tempDir(t: TestContext, prefix = 'ccproxy-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(async () => {
    await stopChildren(t);
    removeDir(dir);
  });
  return dir;
}

/** Removes a test folder; retried, since a process killed a moment ago may still be closing files in it. */
const removeDir = (dir: string) =>
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });

export interface CliOptions {
  args?: string[];
  /** Variables on top of a bare environment (PATH only), so the machine's own keys never leak in. */
  env?: NodeJS.ProcessEnv;
  /** Default: a fresh temp directory, also used as HOME. */
  cwd?: string;
  /** The script to run; default the CLI's sources (above). */
  bin?: string;
  /** Written to its stdin, which is then closed; default: no stdin. */
  input?: string;
}

/** A ccproxy child process, its output collected as it arrives. */
export interface Cli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  exited: Promise<number | string>;
  /** Resolves once `pattern` matches the output so far; rejects if the process exits first. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpExecArray>;
  /** Resolves with the listen URL once the banner names it; rejects if the process exits first. */
  listening(): Promise<string>;
}

/**
 * Spawns the CLI; at the end of the test it is killed if still running and awaited, and only then
 * is its own temp folder removed (removing first races the server's writes to `.ccproxy`, and a
 * failing hook would leave the child alive and the test file hanging).
 */
export function runCli(t: TestContext, options: CliOptions = {}): Cli {
  const ownDir =
    options.cwd === undefined ? mkdtempSync(join(tmpdir(), 'ccproxy-cli-')) : undefined;
  const cwd = options.cwd ?? ownDir!;
  const command = options.bin ? [options.bin] : SOURCES;
  const child = spawn(process.execPath, [...command, ...(options.args ?? [])], {
    cwd,
    env: { PATH: process.env.PATH, HOME: cwd, ...options.env },
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  }) as ChildProcessByStdio<Writable | null, Readable, Readable>;
  child.stdin?.end(options.input);
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = once(child, 'close').then(([code, signal]) => (code ?? signal) as number | string);
  const stop = async () => {
    // 'exit', not 'close': a background server it started may still hold its pipes.
    if (child.exitCode === null && child.signalCode === null) {
      const gone = once(child, 'exit');
      child.kill('SIGKILL');
      await gone;
    }
  };
  children.set(t, [...(children.get(t) ?? []), stop]);
  t.after(async () => {
    await stop();
    if (ownDir) removeDir(ownDir);
  });
  const waitFor = async (name: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpExecArray> => {
    const read = () => pattern.exec(name === 'stdout' ? out : err);
    while (!read()) {
      const stop = await Promise.race([
        once(child[name], 'data').then(() => false),
        exited.then(() => true),
      ]);
      if (stop && !read())
        throw new Error(`ccproxy exited (${await exited}) before printing ${pattern}:\n${err}`);
    }
    return read()!;
  };
  const listening = async () => (await waitFor('stdout', /listening on (http:\/\/\S+)/))[1]!;
  return { child, stdout: () => out, stderr: () => err, exited, waitFor, listening };
}

/** Runs the CLI to its end: exit code and output (for --help, --version and start-up errors). */
export async function runToExit(t: TestContext, options: CliOptions) {
  const cli = runCli(t, options);
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** The SDK pointed at a running CLI, retries off. */
export const clientFor = (url: string, apiKey = 'client-key') =>
  new Anthropic({ baseURL: url, apiKey, maxRetries: 0 });

/**
 * Writes `ccproxy.config.ts` into `dir` as a user would, importing `'ccproxy'` (the loader resolves
 * it to the running ccproxy from any folder). `body` is the expression passed to defineConfig.
 */
export function writeConfig(dir: string, body: string, name = 'ccproxy.config.ts'): string {
  const source = [
    `import { defineConfig } from 'ccproxy';`,
    `import * as p from 'ccproxy/plugins';`,
    `export default defineConfig(${body});`,
    '',
  ].join('\n');
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}

/** The env-mode variables of a new user pointed at `upstream`, on a port the OS picks. */
export const openaiEnv = (upstream: string) => ({
  OPENAI_API_KEY: 'sk-upstream',
  OPENAI_BASE_URL: `${upstream}/v1`,
  PORT: '0',
});

/** The PID file a background server wrote under `home`'s `.ccproxy`, or undefined. */
export function pidFile(home: string): { pid: number; url: string; owner: string } | undefined {
  try {
    return JSON.parse(readFileSync(join(home, '.ccproxy', 'server.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Whether `pid` still runs (a zombie does not). */
export const alive = isAlive;

/**
 * A fresh HOME for commands that start background servers: at the end of the test, whatever server
 * its PID file names is killed, then the folder is removed.
 */
export function serverHome(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'ccproxy-cli-'));
  t.after(async () => {
    const record = pidFile(dir);
    if (record && alive(record.pid)) process.kill(record.pid, 'SIGKILL');
    if (record) await exitOf(record.pid);
    removeDir(dir);
  });
  return dir;
}

/** Resolves once `pid` has exited (polled: it is not our child, so no exit event reaches us). */
export async function exitOf(pid: number): Promise<void> {
  while (alive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** A loopback port nothing listens on (one the OS gave and took back). */
export async function closedPort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}

/** A project folder with ccproxy installed in its node_modules, as `npm install` leaves it. */
export function projectDir(t: TestContext): string {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'ccproxy'));
  return dir;
}
