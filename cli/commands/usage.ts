import type { UsageGroup, UsageReport, UsageTotals } from '../../core/storage.ts';
import { InvalidArgumentError } from 'commander';
import { adminRequest, serverUrl } from '../admin-client.ts';
import { count, table, usd, type Align } from '../table.ts';

export interface UsageFlags {
  by: UsageGroup;
  /** From `--since`, parsed by {@link sinceTime}. */
  since?: Date;
  json?: boolean;
  url?: string;
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * `--since`: a span back from `now` (`30m`, `24h`, `7d`) or a date/time (`2026-12-01`); `today`
 * is since local midnight.
 */
export function sinceTime(value: string, now = new Date()): Date {
  const span = /^(\d+)([mhd])$/.exec(value);
  if (span) return new Date(now.getTime() - Number(span[1]) * UNIT_MS[span[2] as 'm' | 'h' | 'd']);
  if (value === 'today') return new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new InvalidArgumentError('expected a span (30m, 24h, 7d), today or a date (2026-12-01).');
  return date;
}

/** `ccproxy usage [--by …] [--since 7d] [--json]`: `GET /api/usage` as a table. */
export async function usage(flags: UsageFlags): Promise<void> {
  const url = serverUrl(flags.url);
  const query = new URLSearchParams({ by: flags.by });
  if (flags.since) query.set('from', flags.since.toISOString());
  const report = await adminRequest<UsageReport>(url, `/api/usage?${query.toString()}`);
  process.stdout.write(
    flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatUsage(report, flags.by),
  );
}

const figures = (t: UsageTotals): string[] => [
  String(t.requests),
  count(t.input_tokens),
  count(t.output_tokens),
  count(t.cache_read_input_tokens),
  count(t.cache_creation_input_tokens),
  t.cost_usd === null && t.requests > 0 ? 'unpriced' : usd(t.cost_usd),
  usd(t.saved_usd),
];

/** One row per group, then the total; figures right-aligned. */
export function formatUsage(report: UsageReport, by: UsageGroup): string {
  if (report.rows.length === 0) return 'no requests in this period\n';
  const header = [by, 'requests', 'input', 'output', 'cache read', 'cache write', 'cost', 'saved'];
  const rows = report.rows.map((row) => [row.key ?? '(none)', ...figures(row)]);
  const right = header.map((_, i): Align => (i === 0 ? 'left' : 'right'));
  let out = table([header, ...rows, ['total', ...figures(report.total)]], right);
  if (report.total.unpriced_requests > 0)
    out += `${report.total.unpriced_requests} request(s) unpriced: their model has no price (set pricing in the config)\n`;
  return out;
}
