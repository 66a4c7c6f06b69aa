import { cpus, totalmem } from 'node:os';
import type { CheckResult } from './checks.ts';
import { pointName, quantile, type Point, type Samples } from './load.ts';

/** What one system did at one point. */
export interface PointResult {
  point: Point;
  samples: Samples;
  /** CPU µs per request of the measured process tree (the upstream's own, for `direct`). */
  cpuUs: number;
  upstreamCpuUs: number;
  /** A process of the system's tree died during this point (a crash under load). */
  exited: boolean;
}

export interface SystemResult {
  name: string;
  /** Why it was not measured ('' when it was). */
  skipped: string;
  startupMs: number;
  idleRssMb: number;
  peakRssMb: number;
  checks: CheckResult[];
  points: PointResult[];
}

export interface RunInfo {
  date: Date;
  mode: string;
  seconds: number;
  warmSeconds: number;
  versions: Record<string, string>;
  durationS: number;
  /** 1-minute load average at the start and at the end: other work on the machine skews figures. */
  load: [number, number];
}

const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '—';
const ms = (values: readonly number[], q: number) => fmt(quantile(values, q), 2);

/** One figure of every system at every point, as a points × systems table. */
function matrix(
  title: string,
  systems: readonly SystemResult[],
  points: readonly Point[],
  cell: (r: PointResult) => string,
): string {
  const measured = systems.filter((s) => !s.skipped);
  const lines = [
    `### ${title}`,
    '',
    `| point | ${measured.map((s) => s.name).join(' | ')} |`,
    `|---|${measured.map(() => '---:|').join('')}`,
  ];
  for (const point of points) {
    const name = pointName(point);
    const cells = measured.map((s) => {
      const r = s.points.find((p) => pointName(p.point) === name);
      if (!r) return '—';
      if (r.exited) return `FAIL (exited${r.samples.errors ? `, ${r.samples.errors} err` : ''})`;
      const failed = r.samples.total.length === 0 ? 'FAIL' : cell(r);
      return r.samples.errors ? `${failed} (${r.samples.errors} err)` : failed;
    });
    lines.push(`| \`${name}\` | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function checksCell(checks: readonly CheckResult[]): string {
  const failed = checks.filter((c) => c.error);
  if (checks.length === 0) return 'n/a';
  return failed.length === 0
    ? `${checks.length}/${checks.length} pass`
    : `FAIL: ${failed.map((c) => c.name).join(', ')}`;
}

/** The whole report, in markdown. */
export function renderReport(
  info: RunInfo,
  systems: readonly SystemResult[],
  points: readonly Point[],
  budget: string,
): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  // The targets are multiples of the upstream's own CPU in the same run: the machine drifts.
  const direct = systems.find((s) => s.name.startsWith('direct') && !s.skipped);
  const directCpu = (r: PointResult) =>
    direct?.points.find((p) => pointName(p.point) === pointName(r.point))?.cpuUs ?? NaN;
  const out = [
    `# Benchmark, ${info.date.toISOString().slice(0, 16).replace('T', ' ')} UTC (${info.mode})`,
    '',
    `Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB; each proxy pinned to core 0, the`,
    'scripted upstream and the load generator to core 1. ' +
      `Each point: ${info.warmSeconds} s warm-up, then ${info.seconds} s closed loop. Whole run: ${Math.round(info.durationS)} s.`,
    '',
    `Versions: ${Object.entries(info.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
    `Load average (1 min) at the start and the end: ${info.load.map((l) => l.toFixed(1)).join(' and ')}; above 2 other work` +
      ' shared these cores, and latency and throughput figures suffer most.',
    '',
    '## Systems',
    '',
    '| system | start-up to first answer (ms) | idle RSS (MB) | peak RSS (MB) | correctness |',
    '|---|---:|---:|---:|---|',
    ...systems.map((s) =>
      s.skipped
        ? `| ${s.name} | — | — | — | not run: ${s.skipped.split('\n')[0]} |`
        : `| ${s.name} | ${fmt(s.startupMs)} | ${fmt(s.idleRssMb, 1)} | ${s.points.some((p) => p.exited) ? 'exited under load' : fmt(s.peakRssMb, 1)} | ${checksCell(s.checks)} |`,
    ),
    '',
    ...failures(systems),
    '## Figures',
    '',
    'CPU is user + system time of the proxy process tree from `/proc/PID/stat` over the measured',
    "window, divided by the requests answered; for `direct` it is the upstream's own.",
    '',
    matrix('CPU µs per request', systems, points, (r) => fmt(r.cpuUs)),
    '',
    matrix("CPU per request ÷ the upstream's own (`direct`)", systems, points, (r) =>
      Number.isFinite(directCpu(r)) ? `${fmt(r.cpuUs / directCpu(r), 1)}×` : '—',
    ),
    '',
    matrix('Requests per second', systems, points, (r) =>
      fmt(r.samples.total.length / r.samples.seconds),
    ),
    '',
    matrix(
      'Latency p50 / p99 (ms)',
      systems,
      points,
      (r) => `${ms(r.samples.total, 0.5)} / ${ms(r.samples.total, 0.99)}`,
    ),
    '',
    matrix(
      'Streams: time to first byte / first content delta, p50 (ms)',
      systems,
      points.filter((p) => p.kind === 'sse'),
      (r) => `${ms(r.samples.firstByte, 0.5)} / ${ms(r.samples.firstDelta, 0.5)}`,
    ),
    '',
    matrix('Upstream CPU µs per request (the cost of the mock itself)', systems, points, (r) =>
      fmt(r.upstreamCpuUs),
    ),
    '',
    budget,
  ];
  return out.join('\n') + '\n';
}

function failures(systems: readonly SystemResult[]): string[] {
  const lines: string[] = [];
  for (const s of systems) {
    for (const c of s.checks)
      if (c.error)
        lines.push(`- ${s.name}, ${c.name}: ${c.error.replace(/\s+/g, ' ').slice(0, 200)}`);
  }
  return lines.length ? ['Failed checks:', '', ...lines, ''] : [];
}
