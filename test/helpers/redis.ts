import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { TestContext } from 'node:test';
import { freePort } from './port.ts';

export interface TestRedis {
  /** `redis://127.0.0.1:PORT` */
  url: string;
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: nothing is persisted). */
  start(): Promise<void>;
}

/** Spawns redis-server on `port`; resolves once it accepts connections. */
async function spawnRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
  });
  child.removeAllListeners('exit');
  return child;
}

/**
 * Starts a private `redis-server` (no persistence) on a free 127.0.0.1 port for one test file
 * and stops it afterwards, so tests never depend on a system service. Needs `redis-server` on
 * the PATH (`apt-get install redis-server`).
 */
export async function startTestRedis(t: TestContext | null): Promise<TestRedis> {
  const port = await freePort();
  let child = await spawnRedis(port);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  };
  t?.after(stop);
  const start = async () => {
    child = await spawnRedis(port);
  };
  return { url: `redis://127.0.0.1:${port}`, stop, start };
}
