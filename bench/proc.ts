import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { once } from 'node:events';

/**
 * Processes of the systems under test: started pinned to one core, measured from `/proc`
 * (the whole process tree, since some proxies run a supervisor and a backend), stopped by PID.
 */
const TICK_US = 1e6 / 100; // USER_HZ is 100 on Linux x86-64 and arm64

/** user + system CPU time of one process, in µs; 0 when it is gone. */
function cpuOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name may hold spaces and parentheses: fields are counted after the last `)`.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_US; // utime, stime (fields 14 and 15)
  } catch {
    return 0;
  }
}

/** `pid` and all its descendants, found through each process's parent in `/proc/N/stat`. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // exited while we looked
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/** CPU µs used so far by the process tree. */
export const treeCpuUs = (pids: readonly number[]): number =>
  pids.reduce((sum, pid) => sum + cpuOf(pid), 0);

/** A `/proc/PID/status` field in kB (`VmRSS` now, `VmHWM` the peak so far). */
function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'latin1'),
    );
    return Number(match?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Resident memory of the tree, MB: now, or the peak each process reached. */
export const treeRssMb = (pids: readonly number[], peak = false): number =>
  pids.reduce((sum, pid) => sum + statusKb(pid, peak ? 'VmHWM' : 'VmRSS'), 0) / 1024;

export interface SpawnOptions {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** The CPU core the process (and what it starts) may run on. */
  core: number;
  /** Where its stdout and stderr go: a file, as a user running it in the background would have. */
  logFile: string;
}

/** Starts a process under `taskset` (which execs it, so the PID is the program's own). */
export function spawnPinned(options: SpawnOptions): ChildProcess {
  const log = openSync(options.logFile, 'w');
  const child = spawn('taskset', ['-c', String(options.core), options.command, ...options.args], {
    env: options.env,
    cwd: options.cwd,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  return child;
}

/** Stops a process tree by its PIDs: SIGTERM, then SIGKILL for what is left after `graceMs`. */
export async function stopTree(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const pids = processTree(child.pid);
  const exited = once(child, 'exit');
  for (const pid of pids) signal(pid, 'SIGTERM');
  const timer = setTimeout(() => pids.forEach((pid) => signal(pid, 'SIGKILL')), graceMs);
  await exited;
  clearTimeout(timer);
  for (const pid of pids.slice(1)) signal(pid, 'SIGKILL'); // a backend its supervisor left behind
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** Where one process's resident memory is, MB, by what its mappings hold (`/proc/PID/smaps`). */
export interface ResidentMap {
  /** The node executable's pages read so far: V8's and Node's code, built-in modules' sources. */
  node: number;
  /** Other files: shared libraries and native addons (better-sqlite3). */
  files: number;
  /** The main thread's malloc arena (`[heap]`): Node's and SQLite's allocations, V8's parser. */
  mallocHeap: number;
  /** Anonymous mappings: V8's heap pages, other threads' malloc arenas, stacks, JIT code. */
  anonymous: number;
  /** The largest anonymous mapping: a worker thread's malloc arena when one kept memory. */
  largestAnonymous: number;
}

/** `pid`'s resident memory by mapping; zeros when it is gone. */
export function residentByMapping(pid: number): ResidentMap {
  const map: ResidentMap = { node: 0, files: 0, mallocHeap: 0, anonymous: 0, largestAnonymous: 0 };
  let smaps: string;
  let exe: string;
  try {
    smaps = readFileSync(`/proc/${pid}/smaps`, 'latin1');
    exe = readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return map;
  }
  let name = '';
  for (const line of smaps.split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) name = head[1]!;
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (!rss) continue;
    const mb = Number(rss[1]) / 1024;
    if (name === exe) map.node += mb;
    else if (name.startsWith('/')) map.files += mb;
    else if (name === '[heap]') map.mallocHeap += mb;
    else {
      map.anonymous += mb;
      map.largestAnonymous = Math.max(map.largestAnonymous, mb);
    }
  }
  return map;
}

/** The last lines of a log file, for an error message when a system fails to start. */
export function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
