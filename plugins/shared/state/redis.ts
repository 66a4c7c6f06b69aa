import type { Redis } from 'ioredis';
import type { SharedState, Step } from './index.ts';

/**
 * Compare-and-set: writes ARGV[2] only if the key still holds ARGV[1] ('' for absent); else
 * returns what it holds now, so a lost race costs one round trip, not two.
 */
const CAS = `
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then return {0, current} end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return {1, ''}`;

/** Gives up after this many lost races in a row; the caller treats it as a store failure. */
const MAX_RACES = 50;

interface Shared {
  client: Redis;
  users: number;
}

const connections = new Map<string, Shared>();

// Loaded on first use: most instances run without Redis and need not pay its import at start.
let ioredis: Promise<{ Redis: typeof Redis }> | undefined;
const loadIoredis = () => (ioredis ??= import('ioredis'));

/**
 * One Redis connection per URL for the whole process, shared by every plugin that asks (router,
 * boost plan cache) and closed when the last of them releases it.
 */
export async function connectRedis(
  url: string,
): Promise<{ client: Redis; release: () => Promise<void> }> {
  let shared = connections.get(url);
  if (!shared) {
    const { Redis } = await loadIoredis();
    // Another plugin may have connected while the import ran.
    shared = connections.get(url);
    if (!shared) {
      // No offline queue: while Redis is unreachable a command fails at once, and the caller
      // decides (the router lets traffic through) instead of stalling every request.
      const client = new Redis(url, {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
      });
      client.on('error', () => {}); // reconnects by itself; each failed command reports its own error
      shared = { client, users: 0 };
      connections.set(url, shared);
      // Unreachable at start is not fatal: the client keeps reconnecting, and callers see each
      // command fail until it is back (an instance must start while Redis restarts).
      await client.connect().catch(() => {});
    }
  }
  shared.users++;
  const entry = shared;
  let released = false;
  return {
    client: entry.client,
    async release() {
      if (released) return;
      released = true;
      if (--entry.users > 0) return;
      connections.delete(url);
      await entry.client.quit().catch(() => entry.client.disconnect());
    },
  };
}

/** Updates of one key waiting in this process, and the value the last of them wrote. */
interface Queue {
  tail: Promise<unknown>;
  raw: string | null;
  waiting: number;
}

/**
 * The shared store in Redis: JSON values, every update a compare-and-set script. Updates of one
 * key from this process run one after another, each starting from the value the previous one
 * wrote: so a burst costs one round trip per update, and only another instance's write between
 * two of them costs a retry.
 */
export async function redisState(url: string, prefix = 'ccproxy:'): Promise<SharedState> {
  const { client, release } = await connectRedis(url);
  const queues = new Map<string, Queue>();
  const cas = (key: string, expected: string, next: string, ttlMs: number) =>
    client.eval(CAS, 1, key, expected, next, String(Math.max(1, Math.ceil(ttlMs)))) as Promise<
      [number, string]
    >;

  async function apply<T, R>(
    key: string,
    queue: Queue,
    ttlMs: number,
    step: Step<T, R>,
  ): Promise<R> {
    let raw = queue.raw ?? (await client.get(key)) ?? '';
    for (let race = 0; race < MAX_RACES; race++) {
      const [value, result] = step(raw ? (JSON.parse(raw) as T) : undefined);
      const next = JSON.stringify(value);
      const [ok, current] = await cas(key, raw, next, ttlMs);
      if (ok === 1) {
        queue.raw = next;
        return result;
      }
      raw = current;
    }
    throw new Error(`shared state: ${MAX_RACES} lost races in a row on "${key}"`);
  }

  return {
    kind: 'redis',
    update<T, R>(key: string, ttlMs: number, step: Step<T, R>): Promise<R> {
      const full = prefix + key;
      let queue = queues.get(full);
      if (!queue) queues.set(full, (queue = { tail: Promise.resolve(), raw: null, waiting: 0 }));
      const q = queue;
      q.waiting++;
      const run = q.tail.then(() => apply(full, q, ttlMs, step));
      q.tail = run
        .catch(() => (q.raw = null))
        .finally(() => {
          if (--q.waiting === 0) queues.delete(full);
        });
      return run;
    },
    async get<T>(key: string) {
      const raw = await client.get(prefix + key);
      return raw ? (JSON.parse(raw) as T) : undefined;
    },
    close: release,
  };
}
