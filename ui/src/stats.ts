import type { ChartData } from './components/chart.tsx';
import type { RequestRow } from './types.ts';

/** The value at quantile `q` (0..1) of unsorted numbers; undefined for none. */
export function quantile(values: number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** Success, latency and cache figures of request rows. */
export interface RowStats {
  requests: number;
  /** Share of requests answered completely (2xx and no error type). */
  successRate: number | undefined;
  latency: { p50?: number; p95?: number };
  ttft: { p50?: number; p95?: number };
  /** Cache-read input tokens over all input tokens. */
  cacheHitRate: number | undefined;
}

const ok = (row: RequestRow) => row.status < 400 && !row.error_type;

export function rowStats(rows: RequestRow[]): RowStats {
  const durations = rows.filter(ok).map((row) => row.duration_ms);
  const ttfts = rows.flatMap((row) => (ok(row) && row.ttft_ms !== null ? [row.ttft_ms] : []));
  let cached = 0;
  let input = 0;
  for (const row of rows) {
    cached += row.cache_read_input_tokens;
    input += row.input_tokens + row.cache_read_input_tokens + row.cache_creation_input_tokens;
  }
  return {
    requests: rows.length,
    successRate: rows.length ? rows.filter(ok).length / rows.length : undefined,
    latency: { p50: quantile(durations, 0.5), p95: quantile(durations, 0.95) },
    ttft: { p50: quantile(ttfts, 0.5), p95: quantile(ttfts, 0.95) },
    cacheHitRate: input ? cached / input : undefined,
  };
}

/** A time range the overview shows, and the bucket its charts use. */
export interface Range {
  label: string;
  ms: number;
  bucketMs: number;
}

const HOUR = 3_600_000;
export const RANGES: readonly Range[] = [
  { label: '24 hours', ms: 24 * HOUR, bucketMs: HOUR },
  { label: '7 days', ms: 7 * 24 * HOUR, bucketMs: 24 * HOUR },
  { label: '30 days', ms: 30 * 24 * HOUR, bucketMs: 24 * HOUR },
];

/**
 * Sums `value` of each row into time buckets, one series per `group` key (model, provider), the
 * largest first; buckets run from `from` to `to` so an idle hour shows as zero.
 */
export function bucketSeries(
  rows: RequestRow[],
  options: {
    from: number;
    to: number;
    bucketMs: number;
    group: (row: RequestRow) => string;
    value: (row: RequestRow) => number | null;
  },
): ChartData {
  const { from, to, bucketMs } = options;
  const start = Math.floor(from / bucketMs) * bucketMs;
  const count = Math.max(1, Math.ceil((to - start) / bucketMs));
  const x = Array.from({ length: count }, (_, i) => (start + i * bucketMs) / 1000);
  const sums = new Map<string, number[]>();
  for (const row of rows) {
    const value = options.value(row);
    if (value === null) continue;
    const i = Math.floor((Date.parse(row.time) - start) / bucketMs);
    if (i < 0 || i >= count) continue;
    const key = options.group(row);
    let values = sums.get(key);
    if (!values) sums.set(key, (values = new Array<number>(count).fill(0)));
    values[i]! += value;
  }
  const total = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const series = [...sums]
    .sort((a, b) => total(b[1]) - total(a[1]))
    .map(([name, values]) => ({ name, values }));
  return { x: rows.length ? x : [], series };
}
