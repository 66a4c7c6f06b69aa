import { pointName, quantile } from './load.ts';
import type { SystemResult } from './report.ts';

/** The performance budget of issue 10, checked against one ccproxy run and `direct`. */
interface Line {
  what: string;
  limit: number;
  /** '≤' or '≥'. */
  sense: 'max' | 'min';
  unit: string;
  measure(system: SystemResult, direct: SystemResult | undefined): number;
}

const at = (s: SystemResult | undefined, name: string) =>
  s?.points.find((p) => pointName(p.point) === name);
const cpu = (name: string) => (s: SystemResult) => at(s, name)?.cpuUs ?? NaN;
const p50 = (s: SystemResult | undefined, name: string, field: 'total' | 'firstDelta') =>
  quantile(at(s, name)?.samples[field] ?? [], 0.5);
const added =
  (name: string, field: 'total' | 'firstDelta') => (s: SystemResult, d: SystemResult | undefined) =>
    p50(s, name, field) - p50(d, name, field);

const LINES: Line[] = [
  {
    what: 'CPU per request, `json:normal:1`',
    limit: 300,
    sense: 'max',
    unit: 'µs',
    measure: cpu('json:normal:1'),
  },
  {
    what: 'CPU per request, `json:large:1`',
    limit: 1200,
    sense: 'max',
    unit: 'µs',
    measure: cpu('json:large:1'),
  },
  {
    what: 'CPU per request, `sse:normal:1`',
    limit: 900,
    sense: 'max',
    unit: 'µs',
    measure: cpu('sse:normal:1'),
  },
  {
    what: 'CPU per request, `sse:tool:1` (100 fragments)',
    limit: 1500,
    sense: 'max',
    unit: 'µs',
    measure: cpu('sse:tool:1'),
  },
  {
    what: 'added p50 over direct, `json:normal:1`',
    limit: 0.3,
    sense: 'max',
    unit: 'ms',
    measure: added('json:normal:1', 'total'),
  },
  {
    what: 'added p50 over direct, `json:large:1`',
    limit: 1.5,
    sense: 'max',
    unit: 'ms',
    measure: added('json:large:1', 'total'),
  },
  {
    what: 'first delta added over direct, `sse:normal:1`',
    limit: 0.5,
    sense: 'max',
    unit: 'ms',
    measure: added('sse:normal:1', 'firstDelta'),
  },
  {
    what: 'throughput, `json:normal:16`',
    limit: 3000,
    sense: 'min',
    unit: 'req/s',
    measure: (s) => {
      const r = at(s, 'json:normal:16');
      return r ? r.samples.total.length / r.samples.seconds : NaN;
    },
  },
  {
    what: 'peak RSS under load',
    limit: 150,
    sense: 'max',
    unit: 'MB',
    measure: (s) => s.peakRssMb,
  },
  {
    what: 'start-up to the first answered request',
    limit: 1000,
    sense: 'max',
    unit: 'ms',
    measure: (s) => s.startupMs,
  },
  {
    what: 'correctness checks failed',
    limit: 0,
    sense: 'max',
    unit: '',
    measure: (s) => (s.checks.length ? s.checks.filter((c) => c.error).length : NaN),
  },
];

/**
 * The budget as a markdown table: one column per ccproxy run (each log level), and one for the
 * node floor, which shows the lines no Node proxy could meet on this machine.
 */
export function renderBudget(systems: readonly SystemResult[]): string {
  const direct = systems.find((s) => s.name.startsWith('direct'));
  const ours = systems.filter(
    (s) => (s.name.startsWith('ccproxy') || s.name.startsWith('node floor')) && !s.skipped,
  );
  if (ours.length === 0) return '## Budget\n\nccproxy was not measured in this run.\n';
  const rows = LINES.map((line) => {
    const cells = ours.map((s) => {
      const value = line.measure(s, direct);
      if (!Number.isFinite(value)) return 'not measured';
      const ok = line.sense === 'max' ? value <= line.limit : value >= line.limit;
      return `${value.toLocaleString('en-US', { maximumFractionDigits: line.unit === 'ms' ? 2 : 0 })} ${line.unit} ${ok ? 'met' : '**NOT MET**'}`;
    });
    return `| ${line.what} | ${line.sense === 'max' ? '≤' : '≥'} ${line.limit.toLocaleString('en-US')} ${line.unit} | ${cells.join(' | ')} |`;
  });
  return [
    '## Budget',
    '',
    `| line | budget | ${ours.map((s) => s.name).join(' | ')} |`,
    `|---|---:|${ours.map(() => '---:|').join('')}`,
    ...rows,
    '',
  ].join('\n');
}
