import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderBudget } from './budget.ts';
import { runChecks } from './checks.ts';
import { parsePoint, pointName, runLoad, type Point } from './load.ts';
import { NODE24, SCRATCH, installPeers } from './peers.ts';
import { processTree, stopTree, treeCpuUs, treeRssMb } from './proc.ts';
import { renderReport, type SystemResult } from './report.ts';
import {
  ALL_SYSTEMS,
  BENCH_CORE,
  PROXY_CORE,
  ccproxy,
  pinSelf,
  startScriptedUpstream,
  type Started,
  type System,
} from './systems.ts';

/**
 * `npm run bench` / `npm run bench:quick`: installs the peers, starts the scripted upstream, then
 * for each system in turn: start it fresh, check it, load it point by point, stop it. Writes the
 * report to `bench/results/`.
 */
const HERE = fileURLToPath(new URL('.', import.meta.url));

const QUICK = [
  'json:normal:1',
  'json:normal:16',
  'json:large:1',
  'sse:normal:1',
  'sse:normal:16',
  'sse:tool:1',
];
const FULL = ['json', 'sse'].flatMap((kind) =>
  ['normal', 'large', 'tool'].flatMap((body) => [1, 16, 64].map((c) => `${kind}:${body}:${c}`)),
);

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    points: { type: 'string' },
    systems: { type: 'string', description: 'comma-separated name prefixes' },
    seconds: { type: 'string' },
    out: { type: 'string' },
    before: { type: 'string', description: 'another checkout, measured just before ccproxy' },
    interleave: { type: 'boolean', default: false },
  },
});

const log = (line: string) => process.stderr.write(`${line}\n`);

/** A system started for the run: its result so far, and what measuring it needs. */
interface Running {
  result: SystemResult;
  started: Started | null;
  /** Its process tree (the upstream's, for `direct`). */
  pids: number[];
}

type Upstream = { child: { pid?: number }; url: string };

/** Starts `system` and runs the correctness checks; a system that cannot start is skipped. */
async function open(system: System, upstream: Upstream): Promise<Running> {
  const result: SystemResult = {
    name: system.name,
    skipped: system.missing(),
    startupMs: NaN,
    idleRssMb: NaN,
    peakRssMb: NaN,
    checks: [],
    points: [],
  };
  if (result.skipped) return { result, started: null, pids: [] };
  let started: Started;
  try {
    started = await system.start({ upstream: upstream.url, core: PROXY_CORE });
  } catch (error) {
    result.skipped = `failed to start: ${error instanceof Error ? error.message : String(error)}`;
    return { result, started: null, pids: [] };
  }
  const pids = started.child ? processTree(started.child.pid!) : [upstream.child.pid!];
  result.startupMs = started.startupMs;
  result.idleRssMb = treeRssMb(pids);
  try {
    if (started.child && !system.reference)
      result.checks = await runChecks(started.target, upstream.url);
  } catch (error) {
    await close({ result, started, pids });
    throw error;
  }
  return { result, started, pids };
}

/** Loads a started system at `point`: a warm-up, then the measured window. */
async function measure(
  { result, started, pids }: Running,
  upstream: Upstream,
  point: Point,
  timing: { seconds: number; warm: number },
): Promise<void> {
  if (!started) return;
  log(`  ${result.name}: ${pointName(point)}`);
  const upstreamPids = [upstream.child.pid!];
  await runLoad(started.target, point, { seconds: timing.warm, maxRequests: 1000 });
  const before = [treeCpuUs(pids), treeCpuUs(upstreamPids)];
  const samples = await runLoad(started.target, point, {
    seconds: timing.seconds,
    maxRequests: 50_000,
  });
  const count = samples.total.length + samples.errors;
  result.points.push({
    point,
    samples,
    cpuUs: (treeCpuUs(pids) - before[0]!) / count,
    exited: !pids.every((pid) => existsSync(`/proc/${pid}`)),
    upstreamCpuUs: (treeCpuUs(upstreamPids) - before[1]!) / count,
  });
  if (samples.errors) log(`    ${samples.errors} errors, first: ${samples.firstError}`);
}

/** Reads the peak RSS and stops the system (once). */
async function close(run: Running): Promise<void> {
  const { result, started, pids } = run;
  if (!started) return;
  run.started = null;
  result.peakRssMb = treeRssMb(pids, true);
  if (started.child) await stopTree(started.child);
}

/**
 * Each system in turn: started, measured at every point, stopped. With `interleave`, every system
 * is started first and each point measured on each system in turn, in an order that flips from
 * point to point, so that a machine whose load drifts during the run weighs on all of them alike
 * (a before/after comparison).
 */
async function measureAll(
  systems: System[],
  upstream: Upstream,
  points: Point[],
  timing: { seconds: number; warm: number; interleave: boolean },
): Promise<SystemResult[]> {
  const runs: Running[] = [];
  try {
    if (timing.interleave) {
      for (const system of systems) runs.push(await open(system, upstream));
      // The order flips from one point to the next: a load that rises or falls during the run
      // favours neither end of the list.
      for (const [i, point] of points.entries())
        for (const run of i % 2 ? [...runs].reverse() : runs)
          await measure(run, upstream, point, timing);
    } else {
      for (const system of systems) {
        const run = await open(system, upstream);
        runs.push(run);
        for (const point of points) await measure(run, upstream, point, timing);
        await close(run);
      }
    }
  } finally {
    for (const run of runs) await close(run);
  }
  for (const { result } of runs) {
    if (result.skipped) log(`${result.name} not run: ${result.skipped}`);
    for (const c of result.checks)
      if (c.error) log(`${result.name} check FAIL ${c.name}: ${c.error}`);
  }
  return runs.map((run) => run.result);
}

function versions(): Record<string, string> {
  const node24 = (() => {
    try {
      return execFileSync(NODE24, ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      return 'missing';
    }
  })();
  const pkg = JSON.parse(readFileSync(join(HERE, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return {
    ccproxy: pkg.version,
    'Node (ccproxy, llm-router)': process.version,
    'Node (claude-code-router)': node24,
  };
}

async function main() {
  const began = performance.now();
  const loadAtStart = loadavg()[0]!;
  const mode = args.quick ? 'quick' : 'full';
  const points = (args.points?.split(',') ?? (args.quick ? QUICK : FULL)).map(parsePoint);
  const seconds = Number(args.seconds ?? (args.quick ? 2 : 5));
  const warm = args.quick ? 0.5 : 1;
  const wanted = args.systems?.split(',');
  const all = args.before
    ? ALL_SYSTEMS.flatMap((s) =>
        s.name === 'ccproxy' ? [ccproxy(undefined, [], { before: resolve(args.before!) }), s] : [s],
      )
    : ALL_SYSTEMS;
  // `=name` is that system alone: `=ccproxy` leaves out its variants, which `ccproxy` includes.
  const picks = (name: string, w: string) =>
    w.startsWith('=') ? name === w.slice(1) : name.startsWith(w);
  const systems = all.filter((s) => !wanted || wanted.some((w) => picks(s.name, w)));
  // The load generator shares core 1 with the upstream; the proxy has core 0 to itself.
  pinSelf(BENCH_CORE);
  mkdirSync(SCRATCH, { recursive: true });
  for (const [entry, reason] of installPeers(log)) log(`install failed (${entry}): ${reason}`);
  const upstream = await startScriptedUpstream(BENCH_CORE);
  let results: SystemResult[];
  try {
    results = await measureAll(systems, upstream, points, {
      seconds,
      warm,
      interleave: args.interleave,
    });
  } finally {
    await stopTree(upstream.child);
  }
  const date = new Date();
  const info = {
    date,
    mode,
    seconds,
    warmSeconds: warm,
    versions: versions(),
    durationS: (performance.now() - began) / 1000,
    load: [loadAtStart, loadavg()[0]!] as [number, number],
  };
  const report = renderReport(info, results, points, renderBudget(results));
  const file = args.out ?? join(HERE, 'results', `${date.toISOString().slice(0, 10)}-${mode}.md`);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, report);
  process.stdout.write(report);
  log(`written to ${file}`);
}

await main();
