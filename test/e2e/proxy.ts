import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The `ccproxy` command, as `npx ccproxy` runs it from this package; `CCPROXY_E2E_CLI` tests another build. */
export const cliPath = process.env.CCPROXY_E2E_CLI ?? join(root, 'bin', 'ccproxy.js');

/** ccproxy running as its own process, started the way a user starts it. */
export interface ProxyProcess {
  url: string;
  /** Everything it wrote (the banner and pino lines on stdout, failures on stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** How to start it: a config file's source, or none (the env-compatible default) plus variables. */
export interface ProxyLaunch {
  config?: string;
  env?: Record<string, string>;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

async function waitHealthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`ccproxy exited ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`ccproxy did not become healthy in 30 s:\n${output()}`);
}

/**
 * Runs `ccproxy --config <file> --port <free port>` in a bare scratch folder (no package.json, no
 * node_modules: the config imports `'ccproxy'` as a user's `~/.ccproxy/` one does) with its own HOME, so no
 * config of the machine is found, and waits until `/health` answers.
 */
export async function startCcproxy(launch: ProxyLaunch): Promise<ProxyProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'ccproxy-e2e-proxy-'));
  const args = [cliPath];
  if (launch.config !== undefined) {
    const file = join(dir, 'ccproxy.config.ts');
    await writeFile(file, launch.config);
    args.push('--config', file);
  }
  const port = await freePort();
  args.push('--port', String(port));
  const env = { PATH: process.env.PATH ?? '', HOME: dir, LOG_LEVEL: 'debug', ...launch.env };
  const child = spawn(process.execPath, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (text += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (text += s));
  const output = () => text;
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, child, output);
  return {
    url,
    output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Whether the CLI exists yet on this branch. */
export const cliAvailable = (): boolean => existsSync(cliPath);
