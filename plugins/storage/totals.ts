import type { RequestRow, SpendScope, UsageGroup, UsageTotals } from '../../core/storage.ts';

/** Totals of no request. */
export const emptyTotals = (): UsageTotals => ({
  requests: 0,
  input_tokens: 0,
  output_tokens: 0,
  cache_read_input_tokens: 0,
  cache_creation_input_tokens: 0,
  cost_usd: null,
  saved_usd: null,
  unpriced_requests: 0,
});

/** Adds one row to running totals; unpriced rows count apart and leave `cost_usd` alone. */
export function addRow(totals: UsageTotals, row: RequestRow): void {
  totals.requests++;
  totals.input_tokens += row.input_tokens;
  totals.output_tokens += row.output_tokens;
  totals.cache_read_input_tokens += row.cache_read_input_tokens;
  totals.cache_creation_input_tokens += row.cache_creation_input_tokens;
  if (row.cost_usd === null) totals.unpriced_requests++;
  else totals.cost_usd = (totals.cost_usd ?? 0) + row.cost_usd;
  if (row.saved_usd !== null) totals.saved_usd = (totals.saved_usd ?? 0) + row.saved_usd;
}

/** The group a row falls in for `GET /api/usage?by=`. */
export function groupKey(row: RequestRow, by: UsageGroup): string | null {
  switch (by) {
    case 'model':
      return `${row.provider},${row.model}`;
    case 'provider':
      return row.provider;
    case 'session':
      return row.session_id;
    case 'key':
      return row.key_id;
    case 'day':
      return row.time.slice(0, 10);
  }
}

/** Page cursors name the last row's insertion sequence: later writes never shift a page. */
export const encodeCursor = (seq: number): string => Buffer.from(`s${seq}`).toString('base64url');

/** The sequence a cursor names, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string): number | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^s(\d{1,15})$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Whether a row counts toward a budget's spend. */
export const inScope = (row: RequestRow, scope: SpendScope): boolean =>
  row.time >= scope.since.toISOString() &&
  (scope.session === undefined || row.session_id === scope.session) &&
  (scope.key_id === undefined || row.key_id === scope.key_id);
