import {
  ProxyError,
  asProxyError,
  estimateInputTokens,
  failureFields,
  formatTarget,
  errorFromEvent,
  type Next,
  type ProxyContext,
  type StreamEvent,
  type Target,
} from '../../core/index.ts';
import type { Breakers } from './breaker.ts';
import { Seam } from './continuation.ts';
import { rateLimited, retryAfterSeconds, type RateLimiter } from './rate-limit.ts';
import {
  backoffMs,
  countsAgainstProvider,
  isRetryable,
  retryAfterMs,
  wait,
  type RetrySettings,
} from './retry.ts';
import type { TimeoutOptions } from './schema.ts';
import { watched } from './watchdog.ts';

/** What the resilient call needs; built once by the plugin. */
export interface Resilience {
  retry: RetrySettings;
  breakers: Breakers | null;
  limits: RateLimiter | null;
  timeouts: TimeoutOptions | null;
  continuation: boolean;
  /** Runs a store call; a store failure is logged and answered with `fallback` (fail open). */
  safely<T>(ctx: ProxyContext, work: () => Promise<T>, fallback: T): Promise<T>;
}

/** One attempt's target and how it ended, kept in `ctx.state.router.attempts` for the log. */
export interface AttemptRecord {
  target: string;
  error?: string;
  /** `performance.now()` when the attempt began (or was refused without a call). */
  start: number;
  /** Milliseconds until it failed or its answer ended; 0 for a refusal. */
  durationMs: number;
}

/**
 * Calls the target, then its fallbacks, in rounds separated by backoff, until one answers. A
 * target is skipped while its breaker is open or its provider is over budget. Once an event has
 * gone to the client, a failure ends the answer with an SSE error, unless continuation is on and
 * the answer so far is plain text: then the next target is asked to go on from it.
 */
export async function* serve(
  ctx: ProxyContext,
  next: Next,
  { targets, attempts }: { targets: readonly Target[]; attempts: AttemptRecord[] },
  r: Resilience,
): AsyncGenerator<StreamEvent> {
  const original = ctx.request;
  const seam = r.continuation ? new Seam() : null;
  const began = performance.now();
  const live = [...targets];
  const rule = ctx.route;
  let sent = false;
  let failure: ProxyError | null = null;
  let refusal: ProxyError | null = null;
  try {
    for (let round = 0; round <= r.retry.attempts; round++) {
      if (round > 0) {
        const delay = backoffMs(r.retry, round, failure ? retryAfterMs(failure) : undefined);
        if (delay === undefined || performance.now() - began + delay > r.retry.totalMs) break;
        await wait(delay, ctx.signal);
      }
      let called = false;
      for (const target of [...live]) {
        const refused = await admit(ctx, target, r);
        if (refused) {
          refusal = refused;
          const now = performance.now();
          attempts.push({
            target: formatTarget(target),
            error: refused.message,
            start: now,
            durationMs: 0,
          });
          continue;
        }
        called = true;
        ctx.target = target;
        // The log line says a fallback served; the response header names which.
        ctx.route = target === targets[0] ? rule : `${rule}+fallback`;
        const request = sent ? seam!.continuation(original) : undefined;
        const start = performance.now();
        if (request)
          ctx.log.warn(
            { seam: seam!.seams, at: seam!.sentChars, to: formatTarget(target) },
            'stream broke; continuing on the next target',
          );
        try {
          for await (const event of attempt(ctx, next, request, r)) {
            if (event.type === 'error') throw errorFromEvent(event);
            // Recorded before the last event goes out: the outer guard stops pulling after it.
            if (event.type === 'message_stop') await succeeded(ctx, r, attempts, target, start);
            if (seam) {
              const out = request ? sewn(seam, event) : [event];
              for (const each of out) {
                seam.observe(each);
                sent = true;
                yield each;
              }
            } else {
              sent = true;
              yield event;
            }
          }
          return;
        } catch (error) {
          const e = asProxyError(error);
          const durationMs = performance.now() - start;
          attempts.push({ target: formatTarget(target), error: e.message, start, durationMs });
          if (ctx.signal.aborted) throw e;
          if (countsAgainstProvider(e)) await record(ctx, r, target, e.message);
          if (!isRetryable(e) || (sent && !seam?.canResume)) throw e;
          failure = e;
          // A timeout costs the longest wait of all: that target is not tried again.
          if (e.type === 'timeout_error') live.splice(live.indexOf(target), 1);
          ctx.log.warn(
            { target: formatTarget(target), status: e.status, err: e.message },
            'attempt failed; trying the next target',
          );
        }
      }
      // Every target refused without a call (breakers open, budgets spent): fail fast.
      if (!called || live.length === 0) break;
    }
    throw failure ?? refusal ?? new ProxyError('api_error', 502, 'No target could be tried');
  } finally {
    ctx.request = original;
  }
}

/** One call of the inner chain, under the router's timeouts when it has any. */
function attempt(
  ctx: ProxyContext,
  next: Next,
  request: ProxyContext['request'] | undefined,
  r: Resilience,
): AsyncIterable<StreamEvent> {
  return r.timeouts ? watched(ctx, () => next(request), r.timeouts) : next(request);
}

function sewn(seam: Seam, event: StreamEvent): StreamEvent[] {
  const out: StreamEvent[] = [];
  seam.sew(event, out);
  return out;
}

/** Null when the target may be called; else why not, as the error the client would get. */
async function admit(ctx: ProxyContext, target: Target, r: Resilience): Promise<ProxyError | null> {
  const provider = target.provider;
  if (r.breakers) {
    const admission = await r.safely(ctx, () => r.breakers!.admit(provider), {
      allowed: true,
    } as const);
    if (!admission.allowed) {
      return new ProxyError(
        'overloaded_error',
        529,
        `Provider "${provider}" is failing; its circuit breaker is open`,
        {
          headers: { 'retry-after': retryAfterSeconds(admission.retryAfterMs) },
        },
      );
    }
  }
  if (r.limits?.hasProvider(provider)) {
    const waitMs = await r.safely(
      ctx,
      () => r.limits!.provider(provider, estimateInputTokens(ctx.request)),
      0,
    );
    if (waitMs > 0) return rateLimited(`provider "${provider}"`, waitMs);
  }
  return null;
}

async function succeeded(
  ctx: ProxyContext,
  r: Resilience,
  attempts: AttemptRecord[],
  target: Target,
  start: number,
): Promise<void> {
  const durationMs = performance.now() - start;
  attempts.push({ target: formatTarget(target), start, durationMs });
  await record(ctx, r, target, null);
}

async function record(
  ctx: ProxyContext,
  r: Resilience,
  target: Target,
  error: string | null,
): Promise<void> {
  if (!r.breakers) return;
  const mode = await r.safely(ctx, () => r.breakers!.record(target.provider, error), null);
  if (mode === 'open' && error !== null)
    ctx.log.warn(
      { provider: target.provider, ...failureFields(ctx.log, error) },
      'circuit breaker open',
    );
}
