import type { StreamEvent } from '../anthropic.ts';
import type { ProxyContext } from '../context.ts';
import { ProxyError, asProxyError } from '../errors.ts';
import type { OnEvent } from '../plugin.ts';
import { redactError } from '../secrets.ts';
import { EVENT_BATCHES, hasBatches, type EventBatches } from '../stream/batches.ts';
import { StreamGuard } from '../stream/guard.ts';

/** A hook with the plugin it came from, for the error it throws. */
export interface Named<F> {
  readonly name: string;
  readonly fn: F;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * Where the source stands: read on; closed then nothing more (the guard ended the stream); closed
 * then both guards end (the provider's own guard ended its part); over.
 */
type Phase = 'reading' | 'close-then-stop' | 'close-then-end' | 'over';

/**
 * `source` guarded under `label` (the final guard also folds usage and the stop reason into
 * `ctx`), `hooks` run on each event first. With `provider`, events first pass a guard of the
 * provider's own, as if its call were guarded alone.
 *
 * An async iterator written out rather than an async generator: the hooks and guards are
 * synchronous, so an event the source gives is checked and handed on in the same step, with no
 * generator to resume and no implicit await per `yield`; a source offering batches
 * (`EventBatches`) is read a batch per step. It behaves as the generator did under a
 * `for await`: one `next()` at a time; the source closed when the guard ends the stream, when a
 * hook throws and when the consumer leaves early (`return`).
 */
export class GuardedEvents implements AsyncIterableIterator<StreamEvent> {
  /** The source's events, or its batches when it offers them (`EventBatches`). */
  private iterator: AsyncIterator<StreamEvent | readonly StreamEvent[]> | null = null;
  private readonly batched: boolean;
  private phase: Phase = 'reading';
  private readonly ctx: ProxyContext;
  private readonly source: AsyncIterable<StreamEvent>;
  private readonly label: string;
  private readonly provider: string | undefined;
  private readonly hooks: readonly Named<OnEvent>[] | null;
  private readonly inner: StreamGuard | null;
  private readonly guard: StreamGuard;
  /** Reused for every event: arrays are allocated only when a hook expands an event. */
  private readonly checked: StreamEvent[] = [];
  private readonly applied: StreamEvent[] = [];
  /** Events ready for the consumer, from `at` on. */
  private readonly out: StreamEvent[] = [];
  private at = 0;

  constructor(
    ctx: ProxyContext,
    source: AsyncIterable<StreamEvent>,
    label: string,
    hooks: readonly Named<OnEvent>[] | null,
    final: boolean,
    provider?: string,
  ) {
    this.ctx = ctx;
    this.source = source;
    this.label = label;
    this.hooks = hooks;
    this.provider = provider;
    this.inner = provider === undefined ? null : newGuard(ctx, provider, false);
    this.guard = newGuard(ctx, label, final);
    this.batched = hasBatches(source);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<StreamEvent>> {
    const out = this.out;
    while (this.at === out.length) {
      out.length = this.at = 0;
      if (this.phase === 'over') return DONE;
      if (this.phase !== 'reading') {
        const then = this.phase;
        this.phase = 'over';
        try {
          await this.close();
        } catch (error) {
          throw this.redacted(error);
        }
        if (then === 'close-then-end') this.end();
        continue;
      }
      let result: IteratorResult<StreamEvent | readonly StreamEvent[]>;
      try {
        result = await (this.iterator ??= this.open()).next();
      } catch (error) {
        this.phase = 'over';
        throw this.redacted(error);
      }
      // The consumer left (`return`) while the source was read.
      if (this.phase !== 'reading') return DONE;
      if (result.done) {
        this.phase = 'over';
        this.end();
        continue;
      }
      try {
        if (this.batched) this.stepAll(result.value as readonly StreamEvent[]);
        else this.step(result.value as StreamEvent);
      } catch (error) {
        await this.abandon();
        throw this.redacted(error);
      }
      if (this.guard.finished) this.phase = 'close-then-stop';
      else if (this.inner?.finished) this.phase = 'close-then-end';
    }
    return { done: false, value: out[this.at++]! };
  }

  /**
   * The next event if it is already checked (the rest of an upstream read's), else `undefined`:
   * a consumer drains a read's events without an await each, then calls `next()` for more.
   */
  take(): StreamEvent | undefined {
    return this.at < this.out.length ? this.out[this.at++] : undefined;
  }

  /** The consumer stops early: the source is closed, as a `for await` left by `break` closes it. */
  async return(): Promise<IteratorResult<StreamEvent>> {
    if (this.phase !== 'over') await this.abandon();
    return DONE;
  }

  /** Over now: what is pending is dropped, the source closed (its own failure to close ignored). */
  private async abandon(): Promise<void> {
    this.phase = 'over';
    this.out.length = this.at = 0;
    await this.close().catch(() => undefined);
  }

  private open(): AsyncIterator<StreamEvent | readonly StreamEvent[]> {
    const source = this.source;
    return this.batched
      ? (source as EventBatches)[EVENT_BATCHES]()
      : source[Symbol.asyncIterator]();
  }

  /** A batch's events in turn, up to the one that ends the stream (the rest is never read). */
  private stepAll(batch: readonly StreamEvent[]): void {
    for (const event of batch) {
      this.step(event);
      if (this.guard.finished || this.inner?.finished) return;
    }
  }

  private step(event: StreamEvent): void {
    // An upstream's error text may echo the request's headers: keys never get past here.
    if (event.type === 'error') event.error.message = this.ctx.redact(event.error.message);
    const inner = this.inner;
    if (!inner) return this.pass(event);
    const checked = this.checked;
    inner.push(event, checked);
    for (const each of checked) this.pass(each);
    checked.length = 0;
  }

  private pass(event: StreamEvent): void {
    const applied = this.applied;
    if (this.hooks) applyEvent(this.ctx, this.hooks, 0, event, applied);
    else applied.push(event);
    for (const each of applied) this.guard.push(each, this.out);
    applied.length = 0;
  }

  /** The source ended (or its part did): both guards complete the message or fail it. */
  private end(): void {
    const inner = this.inner;
    if (inner) {
      if (!inner.end(this.checked)) throw noEvents(this.provider!);
      for (const each of this.checked) this.pass(each);
      this.checked.length = 0;
    }
    if (!this.guard.end(this.out)) throw noEvents(this.label);
  }

  private async close(): Promise<void> {
    await this.iterator?.return?.();
  }

  private redacted(error: unknown): unknown {
    return redactError(error, (text) => this.ctx.redact(text));
  }
}

function newGuard(ctx: ProxyContext, label: string, final: boolean): StreamGuard {
  return new StreamGuard({
    source: label,
    // Read when the guard logs a repair, not now: the request's logger is made on first use.
    log: () => ctx.log,
    model: ctx.requestedModel,
    usage: final ? ctx.usage : undefined,
    onStop: final ? (reason) => (ctx.stopReason = reason) : undefined,
    // A provider's own guard: its repairs are the upstream's fault, counted per request.
    stats: final ? undefined : ctx,
  });
}

const noEvents = (label: string) =>
  new ProxyError(
    'api_error',
    502,
    `${label === 'plugins' ? 'The pipeline' : label} returned no events`,
  );

/** Tags an error with the plugin and hook it came from, keeping a ProxyError's own status. */
export function tag(error: unknown, plugin: string, hook: string): ProxyError {
  const e = asProxyError(error);
  e.plugin ??= plugin;
  e.hook ??= hook;
  return e;
}

/** Runs `onEvent` hooks from `from` on; `out` receives what survives. */
export function applyEvent(
  ctx: ProxyContext,
  hooks: readonly Named<OnEvent>[],
  from: number,
  event: StreamEvent,
  out: StreamEvent[],
): void {
  for (let i = from; i < hooks.length; i++) {
    const hook = hooks[i]!;
    let result;
    try {
      result = hook.fn(ctx, event);
    } catch (error) {
      throw tag(error, hook.name, 'onEvent');
    }
    if (result === undefined) continue;
    if (result === null) return;
    if (!Array.isArray(result)) {
      event = result;
      continue;
    }
    for (const each of result) applyEvent(ctx, hooks, i + 1, each, out);
    return;
  }
  out.push(event);
}
