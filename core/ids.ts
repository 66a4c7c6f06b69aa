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

export const requestId = (): string => `req_${randomId()}`;
export const messageId = (): string => `msg_${randomId()}`;
export const toolUseId = (): string => `toolu_${randomId()}`;

/**
 * This process's name among several instances (metrics, request rows, logs): `CCPROXY_INSTANCE_ID`,
 * else `host-pid`. Stable across config reloads.
 */
export const instanceId = (env: NodeJS.ProcessEnv): string =>
  env.CCPROXY_INSTANCE_ID || `${hostname()}-${process.pid}`;
