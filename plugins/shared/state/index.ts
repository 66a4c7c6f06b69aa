/**
 * State several ccproxy instances must agree on (breaker state, rate-limit budgets, caches): one
 * small interface, in memory for a single instance, in Redis for several behind a load balancer.
 * @module
 */

/**
 * A pure transition: the stored value in (undefined when absent or expired), the value to store
 * and the caller's result out. It may run more than once (a lost race in Redis reruns it), so it
 * must not have side effects; it reads the clock itself, so a rerun sees the current time.
 */
export type Step<T, R> = (value: T | undefined) => readonly [next: T, result: R];

/** A key-value store whose only write is an atomic read-modify-write. */
export interface SharedState {
  /** `memory` or `redis`, for logs and `/health`. */
  readonly kind: 'memory' | 'redis';
  /** Applies `step` atomically to the value under `key`, kept for `ttlMs` after the write. */
  update<T, R>(key: string, ttlMs: number, step: Step<T, R>): Promise<R>;
  /** The value under `key`, or undefined. */
  get<T>(key: string): Promise<T | undefined>;
  /** Releases the connection (Redis); the memory store forgets nothing. */
  close(): Promise<void>;
}

interface Entry {
  value: unknown;
  expires: number;
}

/** Updates between two sweeps of expired entries. */
const SWEEP_EVERY = 1024;

/** The in-memory store; `size` counts the entries it holds (expired ones until swept). */
export interface MemoryState extends SharedState {
  readonly size: number;
}

/** The single-instance store: a Map, where every update is atomic since it never awaits. */
export function memoryState(): MemoryState {
  const entries = new Map<string, Entry>();
  let updates = 0;
  // Keys of clients that never return would otherwise stay: expiry is only checked on read.
  const sweep = () => {
    const now = Date.now();
    for (const [key, entry] of entries) if (entry.expires <= now) entries.delete(key);
  };
  const read = (key: string): unknown => {
    const entry = entries.get(key);
    if (!entry || entry.expires > Date.now()) return entry?.value;
    entries.delete(key);
    return undefined;
  };
  return {
    kind: 'memory',
    update<T, R>(key: string, ttlMs: number, step: Step<T, R>) {
      const [next, result] = step(read(key) as T | undefined);
      entries.set(key, { value: next, expires: Date.now() + ttlMs });
      if (++updates % SWEEP_EVERY === 0) sweep();
      return Promise.resolve(result);
    },
    get: <T>(key: string) => Promise.resolve(read(key) as T | undefined),
    close: () => Promise.resolve(),
    get size() {
      return entries.size;
    },
  };
}
