import { ProxyError } from '../../core/index.ts';
import type { UsageGroup } from '../../core/storage.ts';
import { decodeCursor } from '../storage/totals.ts';

type Query = Record<string, string | string[] | undefined>;

const bad = (message: string): ProxyError => new ProxyError('invalid_request_error', 400, message);

/** One query parameter as a string; a repeated one is a mistake. */
export function text(query: Query, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw bad(`${name}: expected one value, got ${value.length}`);
  return value === '' ? undefined : value;
}

/** `from`/`to`: ISO 8601, a day (`2026-12-07`), or epoch milliseconds. */
export function time(query: Query, name: string): Date | undefined {
  const value = text(query, name);
  if (value === undefined) return undefined;
  const date = /^\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
  if (Number.isNaN(date.getTime()))
    throw bad(
      `${name}: expected an ISO 8601 time (2026-12-07T10:00:00Z), a day or epoch milliseconds, got "${value}"`,
    );
  return date;
}

export function integer(query: Query, name: string, min: number, max: number): number | undefined {
  const value = text(query, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw bad(`${name}: expected an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

const GROUPS: readonly UsageGroup[] = ['model', 'provider', 'session', 'key', 'day'];

export function group(query: Query): UsageGroup {
  const value = text(query, 'by') ?? 'model';
  if (!GROUPS.includes(value as UsageGroup))
    throw bad(`by: expected one of ${GROUPS.join(', ')}, got "${value}"`);
  return value as UsageGroup;
}

export function cursor(query: Query): string | undefined {
  const value = text(query, 'cursor');
  if (value !== undefined && decodeCursor(value) === undefined)
    throw bad(`cursor: expected the next_cursor of a previous page, got "${value}"`);
  return value;
}

/** `from` must come before `to`. */
export function range(query: Query): { from?: Date; to?: Date } {
  const from = time(query, 'from');
  const to = time(query, 'to');
  if (from && to && from >= to) throw bad('from: expected a time before to');
  return { from, to };
}
