import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

// Ids come from a pooled random buffer: one getrandom call per 4 KB instead of one per id.
const POOL_SIZE = 4096;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
let pool = randomBytes(POOL_SIZE);
let offset = 0;

/** `length` random characters of `[A-Za-z0-9]`, matching Anthropic's id alphabet. */
export function randomId(length = 24): string {
  if (offset + length > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  let id = '';
  for (let i = 0; i < length; i++) id += ALPHABET[pool[offset++]! % ALPHABET.length];
  return id;
}

/** Base 62 in ASCII order (digits, upper, lower case): such strings sort as their numbers do. */
const SORTABLE = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
let lastMs = -1;
let lastTime = '';

/** `ms` as 8 sortable base-62 characters (62^8 ms reach the year 8 900). */
function sortableTime(ms: number): string {
  if (ms === lastMs) return lastTime;
  let text = '';
  for (let i = 0, rest = ms; i < 8; i++, rest = Math.floor(rest / 62))
    text = SORTABLE[rest % 62]! + text;
  lastMs = ms;
  return (lastTime = text);
}

/**
 * `req_`, the time in milliseconds (sortable), then 16 random characters (95 bits: unique across
 * instances): 24 characters of `[A-Za-z0-9]` as before. Time-ordered so that the database's unique
 * index on request ids grows at its end, instead of each insert dirtying a random page of it.
 */
export const requestId = (): string => `req_${sortableTime(Date.now())}${randomId(16)}`;
export const messageId = (): string => `msg_${randomId()}`;
export const toolUseId = (): string => `toolu_${randomId()}`;

/**
 * This process's name among several instances (metrics, request rows, logs): `CCPROXY_INSTANCE_ID`,
 * else `host-pid`. Stable across config reloads.
 */
export const instanceId = (env: NodeJS.ProcessEnv): string =>
  env.CCPROXY_INSTANCE_ID || `${hostname()}-${process.pid}`;
