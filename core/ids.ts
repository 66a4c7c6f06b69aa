import { randomBytes } from 'node:crypto';

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
