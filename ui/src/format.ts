/** Number and time formats shared by the pages. */

const usd = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 4,
});
const usdShort = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 2,
});
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en-US');

/** `$0.0123`; `unpriced` for null (a model with no price is not free). */
export function money(value: number | null | undefined, short = false): string {
  if (value === null || value === undefined) return 'unpriced';
  if (short && Math.abs(value) >= 1) return usdShort.format(value);
  return usd.format(value);
}

/** `12.3K` tokens. */
export const tokens = (value: number | null | undefined): string =>
  value === null || value === undefined ? '–' : compact.format(value);

export const count = (value: number | null | undefined): string =>
  value === null || value === undefined ? '–' : whole.format(value);

/** `850 ms`, `2.4 s`. */
export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;
}

/** `97.5%` of a 0..1 ratio. */
export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return `${(value * 100).toFixed(value >= 0.999 || value === 0 ? 0 : 1)}%`;
}

/** A local date and time, short. */
export function when(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}
