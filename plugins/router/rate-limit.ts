import { createHash } from 'node:crypto';
import { ProxyError, type ProxyContext } from '../../core/index.ts';
import type { SharedState } from '../shared/state/index.ts';
import type { RateLimit, RateLimitOptions } from './schema.ts';

/** Both buckets of one budget, as stored. */
export interface BucketState {
  requests: number;
  tokens: number;
  at: number;
}

const MINUTE = 60_000;
/** A bucket refills completely within a minute; two keep a key alive past any useful wait. */
const TTL_MS = 2 * MINUTE;

function refill(limit: RateLimit, state: BucketState | undefined, now: number): BucketState {
  const rpm = limit.requestsPerMinute ?? 0;
  const tpm = limit.tokensPerMinute ?? 0;
  if (!state) return { requests: rpm, tokens: tpm, at: now };
  const elapsed = Math.max(0, now - state.at);
  return {
    requests: Math.min(rpm, state.requests + (elapsed * rpm) / MINUTE),
    tokens: Math.min(tpm, state.tokens + (elapsed * tpm) / MINUTE),
    at: now,
  };
}

/**
 * Takes one request and `tokens` from the budget, or nothing: returns 0 when granted, else the
 * milliseconds until both buckets hold enough. A prompt larger than the whole minute's budget
 * passes when the bucket is full, so that it is slow rather than impossible.
 */
export function take(
  limit: RateLimit,
  state: BucketState | undefined,
  now: number,
  tokens: number,
): [BucketState, number] {
  const b = refill(limit, state, now);
  const rpm = limit.requestsPerMinute;
  const tpm = limit.tokensPerMinute;
  const cost = tpm ? Math.min(tokens, tpm) : 0;
  const waitRequests = rpm && b.requests < 1 ? ((1 - b.requests) * MINUTE) / rpm : 0;
  const waitTokens = tpm && b.tokens < cost ? ((cost - b.tokens) * MINUTE) / tpm : 0;
  const wait = Math.max(waitRequests, waitTokens);
  if (wait > 0) return [b, Math.ceil(wait)];
  return [{ ...b, requests: b.requests - (rpm ? 1 : 0), tokens: b.tokens - cost }, 0];
}

/** Charges tokens learnt after admission (the output); the debt delays later requests. */
export function charge(
  limit: RateLimit,
  state: BucketState | undefined,
  now: number,
  tokens: number,
): [BucketState, void] {
  const b = refill(limit, state, now);
  const tpm = limit.tokensPerMinute ?? 0;
  return [{ ...b, tokens: Math.max(-tpm, b.tokens - tokens) }, undefined];
}

/** Token-bucket budgets over a shared store, so instances behind a balancer share them. */
export class RateLimiter {
  private readonly options: RateLimitOptions;
  private readonly store: SharedState;

  constructor(options: RateLimitOptions, store: SharedState) {
    this.options = options;
    this.store = store;
  }

  get limitsClients(): boolean {
    return Boolean(this.options.client);
  }

  hasProvider(provider: string): boolean {
    return Boolean(this.options.providers?.[provider]);
  }

  /** Milliseconds to wait before the client may send again; 0 when admitted. */
  client(ctx: ProxyContext, tokens: number): Promise<number> {
    return this.take(this.options.client, clientKey(ctx), tokens);
  }

  provider(provider: string, tokens: number): Promise<number> {
    return this.take(this.options.providers?.[provider], `provider:${provider}`, tokens);
  }

  /** Charges the output tokens of a finished answer to the client's and the provider's budgets. */
  async chargeOutput(ctx: ProxyContext, provider: string, tokens: number): Promise<void> {
    const pairs: [RateLimit | undefined, string][] = [
      [this.options.client, clientKey(ctx)],
      [this.options.providers?.[provider], `provider:${provider}`],
    ];
    for (const [limit, key] of pairs) {
      if (!limit?.tokensPerMinute || tokens <= 0) continue;
      await this.store.update(`rate:${key}`, TTL_MS, (s: BucketState | undefined) =>
        charge(limit, s, Date.now(), tokens),
      );
    }
  }

  private take(limit: RateLimit | undefined, key: string, tokens: number): Promise<number> {
    if (!limit) return Promise.resolve(0);
    return this.store.update(`rate:${key}`, TTL_MS, (s: BucketState | undefined) =>
      take(limit, s, Date.now(), tokens),
    );
  }
}

/**
 * Keys are hashed: a client's credential never reaches the store or its logs. Only a key auth
 * verified names a client: an unchecked one would give a fresh budget per random key.
 */
function clientKey(ctx: ProxyContext): string {
  const who =
    ctx.client.access === 'key' && ctx.client.key ? `key:${ctx.client.key}` : `ip:${ctx.client.ip}`;
  return `client:${createHash('sha256').update(who).digest('base64url').slice(0, 22)}`;
}

/** Claude Code gives up at once on `retry-after` over 60 (PROTOCOL E14): never say more. */
export const retryAfterSeconds = (ms: number): string =>
  String(Math.min(60, Math.max(1, Math.ceil(ms / 1000))));

/** The 429 a client over its budget gets. */
export function rateLimited(who: string, waitMs: number): ProxyError {
  return new ProxyError(
    'rate_limit_error',
    429,
    `Rate limit of ${who} exceeded; retry in ${Math.ceil(waitMs / 1000)} s`,
    {
      headers: { 'retry-after': retryAfterSeconds(waitMs) },
    },
  );
}
