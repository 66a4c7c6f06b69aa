import { ProxyError, type ProxyContext, type StreamEvent } from '../../core/index.ts';
import type { TimeoutOptions } from './schema.ts';

/**
 * Runs one attempt's events under a first-byte and an idle timeout. The attempt gets its own
 * abort signal (`ctx.signal`, restored after), so a timed-out upstream request is closed at once
 * rather than left to the HTTP client's longer timeouts. Time the client spends reading (a slow
 * SSE consumer) does not count: only time spent waiting on the upstream does.
 */
export async function* watched(
  ctx: ProxyContext,
  open: () => AsyncIterable<StreamEvent>,
  timeouts: TimeoutOptions,
): AsyncGenerator<StreamEvent> {
  const client = ctx.signal;
  const controller = new AbortController();
  let expired: ProxyError | null = null;
  let rejectExpiry!: (error: ProxyError) => void;
  const expiry = new Promise<never>((_, reject) => (rejectExpiry = reject));
  expiry.catch(() => {}); // raced only while waiting; an expiry at another moment is not an error
  let waiting = true;
  const fire = (what: string) => () => {
    if (!waiting) return; // the client is reading: not the upstream's fault, re-armed after
    expired = new ProxyError('timeout_error', 504, `provider "${ctx.target.provider}": ${what}`);
    controller.abort(expired);
    rejectExpiry(expired);
  };
  let timer = timeouts.firstByteMs
    ? setTimeout(fire(`no first byte within ${timeouts.firstByteMs} ms`), timeouts.firstByteMs)
    : undefined;
  ctx.signal = AbortSignal.any([client, controller.signal]);
  const events = open()[Symbol.asyncIterator]();
  try {
    for (let first = true; ; first = false) {
      waiting = true;
      const pending = events.next();
      const result = await Promise.race([pending, expiry]).catch((error: unknown) => {
        pending.catch(() => {}); // abandoned after an expiry; its rejection is expected
        throw expired ?? error;
      });
      if (result.done) return;
      waiting = false;
      if (first) {
        clearTimeout(timer);
        timer = timeouts.idleMs
          ? setTimeout(fire(`no event for ${timeouts.idleMs} ms`), timeouts.idleMs)
          : undefined;
      }
      yield result.value;
      timer?.refresh();
    }
  } finally {
    clearTimeout(timer);
    ctx.signal = client;
    if (expired) void Promise.resolve(events.return?.()).catch(() => {});
  }
}
