import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './port.ts';

const run = promisify(execFile);

/** Debian's PostgreSQL 15 (`apt-get install postgresql`); `CCPROXY_TEST_PG_BIN` names another. */
const BIN = process.env.CCPROXY_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  url: string;
  /** A fresh empty database on this cluster, for one test. */
  database(): Promise<string>;
  /** Stops the server (fast shutdown: open connections are cut); `start` brings it back. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/**
 * Starts a private PostgreSQL cluster on a free 127.0.0.1 port for one test file (`initdb` into a
 * temporary folder, trust auth, no fsync) and, in `t.after`, stops it and then removes the folder.
 * PostgreSQL refuses to run as root: as root (CI) its tools run as the `postgres` user, which owns
 * the folder.
 */
export async function startTestPostgres(t: {
  after(fn: () => Promise<void>): void;
}): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'ccproxy-pg-'));
  const data = join(dir, 'data');
  let running = false;
  // Registered before the first await: a file may pass node:test's top-level `after`.
  t.after(async () => {
    if (running) await stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const asRoot = process.getuid?.() === 0;
  const tool = (name: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(BIN, name), ...args])
      : run(join(BIN, name), args);
  if (asRoot) {
    const { stdout: uid } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(uid), Number(gid));
  }
  await tool('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = async () => {
    await tool('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
    running = true;
  };
  const stop = async () => {
    await tool('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    running = false;
  };
  await start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let databases = 0;
  const database = async () => {
    const name = `t${++databases}`;
    const client = new pg.Client(url);
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return `postgres://postgres@127.0.0.1:${port}/${name}`;
  };
  return { url, database, stop, start };
}
