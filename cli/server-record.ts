import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { HomePaths } from './home.ts';
import type { ServerFlags } from './options.ts';
import { isAlive } from './process.ts';

/** Who started a server, which decides who may stop it: `code` stops only servers it started. */
export type ServerOwner = 'start' | 'code' | 'foreground';

/** The PID file's content. No secret goes in it. */
export interface ServerRecord {
  pid: number;
  url: string;
  /** ISO time. */
  startedAt: string;
  version: string;
  owner: ServerOwner;
  /** The config file loaded, or null on the environment defaults. */
  config: string | null;
  /** The log file of a background server. */
  log?: string;
  /** The flags it was started with, for `restart`. */
  flags: ServerFlags;
}

/** What the PID file says: nothing, a live server, or a server that is gone (a stale file). */
export type ServerState =
  | { state: 'none' }
  | { state: 'running'; record: ServerRecord }
  | { state: 'stale'; record: ServerRecord };

/** Reads the PID file and checks that its process still runs. */
export function readServer(paths: HomePaths): ServerState {
  let record: ServerRecord;
  try {
    record = JSON.parse(readFileSync(paths.pidFile, 'utf8')) as ServerRecord;
  } catch {
    return { state: 'none' };
  }
  if (!Number.isInteger(record.pid)) return { state: 'none' };
  return { state: isAlive(record.pid) ? 'running' : 'stale', record };
}

/** Writes the PID file atomically (a reader never sees half of it). */
export function writeServer(paths: HomePaths, record: ServerRecord): void {
  mkdirSync(dirname(paths.pidFile), { recursive: true });
  const temp = `${paths.pidFile}.${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, paths.pidFile);
}

/** Removes the PID file if it still names `pid` (a newer server's file is left alone). */
export function removeServer(paths: HomePaths, pid: number): void {
  const current = readServer(paths);
  if (current.state !== 'none' && current.record.pid === pid)
    rmSync(paths.pidFile, { force: true });
}
