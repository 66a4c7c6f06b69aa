import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HomePaths } from './home.ts';
import { isAlive } from './process.ts';

/**
 * A running `ccproxy code` session's claim on a server that `code` started: a file per session,
 * `leases/<pid>.json`, not a shared counter. A session that crashes leaves a file whose processes
 * are gone, which every reader ignores and removes, so it neither keeps the server alive nor ends
 * it early.
 */
export interface Lease {
  /** The `ccproxy code` process. */
  pid: number;
  /** The Claude Code process it runs; it keeps the lease alive if `ccproxy code` itself is killed. */
  child?: number;
  startedAt: string;
}

const fileOf = (paths: HomePaths, pid: number) => join(paths.leasesDir, `${pid}.json`);

/** Writes this process's lease (again, with `child` once Claude Code runs). */
export function holdLease(paths: HomePaths, child?: number): void {
  mkdirSync(paths.leasesDir, { recursive: true });
  const lease: Lease = { pid: process.pid, child, startedAt: new Date().toISOString() };
  writeFileSync(fileOf(paths, process.pid), JSON.stringify(lease));
}

/** Removes this process's lease. */
export function dropLease(paths: HomePaths): void {
  rmSync(fileOf(paths, process.pid), { force: true });
}

/** The leases whose session still runs; the files of sessions that are gone are removed. */
export function liveLeases(paths: HomePaths): Lease[] {
  let names: string[];
  try {
    names = readdirSync(paths.leasesDir).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  const live: Lease[] = [];
  for (const name of names) {
    const file = join(paths.leasesDir, name);
    let lease: Lease;
    try {
      lease = JSON.parse(readFileSync(file, 'utf8')) as Lease;
    } catch {
      continue; // being written, or removed meanwhile
    }
    if (isAlive(lease.pid) || (lease.child !== undefined && isAlive(lease.child))) live.push(lease);
    else rmSync(file, { force: true });
  }
  return live;
}
