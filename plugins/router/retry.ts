import { setTimeout as sleep } from 'node:timers/promises';
import type { ProxyError } from '../../core/index.ts';
import type { RetryOptions } from './schema.ts';

export type RetrySettings = Required<RetryOptions>;

export const retrySettings = (options: RetryOptions = {}): RetrySettings => ({
  attempts: options.attempts ?? 2,
  baseMs: options.baseMs ?? 500,
  maxMs: options.maxMs ?? 8_000,
  totalMs: options.totalMs ?? 30_000,
});

/**
 * Worth another try elsewhere or later: transport failures and timeouts (5xx), 408, 409 and 429.
 * Never another 4xx (the request itself is wrong) nor 499 (the client left).
 */
export const isRetryable = (error: ProxyError): boolean =>
  error.status >= 500 || error.status === 408 || error.status === 409 || error.status === 429;

/** Failures that say the provider is unwell, counted by its circuit breaker. */
export const countsAgainstProvider = (error: ProxyError): boolean =>
  error.status >= 500 || error.status === 408 || error.status === 429;

/** The upstream's `retry-after`(`-ms`), in milliseconds, when it sent one. */
export function retryAfterMs(error: ProxyError): number | undefined {
  const ms = Number(error.headers['retry-after-ms']);
  if (ms > 0) return ms;
  const seconds = Number(error.headers['retry-after']);
  return seconds > 0 ? seconds * 1000 : undefined;
}

/**
 * The wait before round `round` (1, 2, …): exponential with equal jitter, so that instances
 * retrying together spread out; at least what the upstream asked for. Undefined when the
 * upstream asks for more than `maxMs`: waiting here would only delay the client's own retry.
 */
export function backoffMs(
  s: RetrySettings,
  round: number,
  asked: number | undefined,
  random = Math.random,
): number | undefined {
  if (asked !== undefined && asked > s.maxMs) return undefined;
  const exp = Math.min(s.maxMs, s.baseMs * 2 ** (round - 1));
  return Math.max(asked ?? 0, exp / 2 + random() * (exp / 2));
}

/** Waits, unless the client leaves first (then rejects with the abort). */
export const wait = (ms: number, signal: AbortSignal): Promise<void> =>
  sleep(ms, undefined, { signal });
