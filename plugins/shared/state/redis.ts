import { Redis } from 'ioredis';
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

/**
 * One Redis connection per URL for the whole process, shared by every plugin that asks (router,
 * boost plan cache) and closed when the last of them releases it.
 */
export async function connectRedis(url: string): Promise<{ client: Redis; release(): Promise<void> }> {
  let shared = connections.get(url);
  if (!shared) {
    // No offline queue: while Redis is unreachable a command fails at once, and the caller
    // decides (the router lets traffic through) instead of stalling every request.
    const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    client.on('error', () => {}); // reconnects by itself; each failed command reports its own error
    shared = { client, users: 0 };
    connections.set(url, shared);
    await client.connect();
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

/** The shared store in Redis: JSON values, every update a compare-and-set script. */
export async function redisState(url: string, prefix = 'ccproxy:'): Promise<SharedState> {
  const { client, release } = await connectRedis(url);
  const cas = (key: string, expected: string, next: string, ttlMs: number) =>
    client.eval(CAS, 1, key, expected, next, String(Math.max(1, Math.ceil(ttlMs)))) as Promise<[number, string]>;
  return {
    kind: 'redis',
    async update<T, R>(key: string, ttlMs: number, step: Step<T, R>): Promise<R> {
      const full = prefix + key;
      let raw = (await client.get(full)) ?? '';
      for (let race = 0; race < MAX_RACES; race++) {
        const [next, result] = step(raw ? (JSON.parse(raw) as T) : undefined);
        const [ok, current] = await cas(full, raw, JSON.stringify(next), ttlMs);
        if (ok === 1) return result;
        raw = current;
      }
      throw new Error(`shared state: ${MAX_RACES} lost races in a row on "${key}"`);
    },
    async get<T>(key: string) {
      const raw = await client.get(prefix + key);
      return raw ? (JSON.parse(raw) as T) : undefined;
    },
    close: release,
  };
}
