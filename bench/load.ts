import { Pool } from 'undici';
import { messagesBody } from './bodies.ts';
import { FIRST_MARK } from './script.ts';

/**
 * A closed-loop load generator: `concurrency` workers, each sending its next request when the
 * last one's body has ended, until the time or the count bound is reached.
 */

/** `KIND:BODY:CONCURRENCY`, e.g. `sse:tool:16`. */
export interface Point {
  kind: 'json' | 'sse';
  body: 'normal' | 'large' | 'tool';
  concurrency: number;
}

export const pointName = (p: Point): string => `${p.kind}:${p.body}:${p.concurrency}`;

export function parsePoint(text: string): Point {
  const [kind, body, concurrency] = text.split(':');
  if (
    (kind !== 'json' && kind !== 'sse') ||
    (body !== 'normal' && body !== 'large' && body !== 'tool') ||
    !Number(concurrency)
  ) {
    throw new Error(`bad point "${text}": expected KIND:BODY:CONCURRENCY, e.g. json:normal:1`);
  }
  return { kind, body, concurrency: Number(concurrency) };
}

/** Where and how a system is called. */
export interface Target {
  origin: string;
  path: string;
  headers: Record<string, string>;
  model: string;
}

export interface Bounds {
  seconds: number;
  maxRequests: number;
}

/** Latencies in ms of the requests that succeeded, and the count of those that did not. */
export interface Samples {
  total: number[];
  firstByte: number[];
  firstDelta: number[];
  errors: number;
  firstError: string;
  seconds: number;
}

export function requestBody(point: Point, model: string): Buffer {
  const size = point.body === 'large' ? 'large' : 'normal';
  const mode = point.body === 'tool' ? 'tool' : 'text';
  return Buffer.from(messagesBody({ size, mode, stream: point.kind === 'sse', model }));
}

/** Runs one point against one target. */
export async function runLoad(target: Target, point: Point, bounds: Bounds): Promise<Samples> {
  const pool = new Pool(target.origin, {
    connections: point.concurrency,
    keepAliveTimeout: 60_000,
  });
  const body = requestBody(point, target.model);
  const headers = { ...target.headers, 'content-type': 'application/json' };
  const samples: Samples = {
    total: [],
    firstByte: [],
    firstDelta: [],
    errors: 0,
    firstError: '',
    seconds: 0,
  };
  const start = performance.now();
  const deadline = start + bounds.seconds * 1000;
  let started = 0;
  const worker = async () => {
    while (started < bounds.maxRequests && performance.now() < deadline) {
      started++;
      await once(pool, target.path, headers, body, samples);
    }
  };
  try {
    await Promise.all(Array.from({ length: point.concurrency }, worker));
  } finally {
    samples.seconds = (performance.now() - start) / 1000;
    await pool.close();
  }
  return samples;
}

async function once(
  pool: Pool,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
  samples: Samples,
) {
  const t0 = performance.now();
  try {
    const res = await pool.request({ method: 'POST', path, headers, body });
    const firstByte = performance.now() - t0;
    let firstDelta = -1;
    let carry = '';
    for await (const chunk of res.body) {
      if (firstDelta >= 0) continue;
      const text = carry + (chunk as Buffer).toString('latin1');
      if (text.includes(FIRST_MARK)) firstDelta = performance.now() - t0;
      else carry = text.slice(-FIRST_MARK.length);
    }
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
    samples.total.push(performance.now() - t0);
    samples.firstByte.push(firstByte);
    if (firstDelta >= 0) samples.firstDelta.push(firstDelta);
  } catch (error) {
    samples.errors++;
    samples.firstError ||= error instanceof Error ? error.message : String(error);
  }
}

/** The `q` quantile (0..1) of `values`, in the same unit; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
