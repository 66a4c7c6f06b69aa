/** Which side a column's cells are padded on: text left, figures right. */
export type Align = 'left' | 'right';

/**
 * Rows as aligned columns (two spaces apart), the first row being the header; `align` per
 * column, default left. Trailing spaces are trimmed, so the last column is never padded.
 */
export function table(rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  const pad = (cell: string, i: number) => {
    const fill = ' '.repeat(widths[i]! - [...cell].length);
    return align[i] === 'right' ? fill + cell : cell + fill;
  };
  return rows.map((row) => `${row.map(pad).join('  ').trimEnd()}\n`).join('');
}

/** `$0.0123`, `$12.35`; `-` for an unpriced figure. */
export const usd = (value: number | null | undefined): string =>
  typeof value !== 'number'
    ? '-'
    : `$${Math.abs(value) < 10 ? value.toFixed(4) : value.toFixed(2)}`;

/** `1234567` → `1.2M`, `12345` → `12.3k`. */
export function count(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  return String(value);
}
