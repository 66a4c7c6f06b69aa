import type { MessagesRequest, StreamEvent } from '../anthropic.ts';
import type { ProxyContext } from '../context.ts';
import { ProxyError, asProxyError } from '../errors.ts';
import type {
  Next,
  OnEvent,
  OnFinish,
  OnHeaders,
  OnRequest,
  Outcome,
  Plugin,
  RequestHead,
  WrapStream,
} from '../plugin.ts';
import { redactError } from '../secrets.ts';
import { StreamGuard } from '../stream/guard.ts';

interface Named<F> {
  readonly name: string;
  readonly fn: F;
}

/** The innermost step: the provider call for the current target. */
export type Send = (ctx: ProxyContext, request: MessagesRequest) => AsyncIterable<StreamEvent>;

/**
 * The plugin chain, built once at start into arrays of the hooks present (`null` where none has
 * it), so a request pays only for hooks that exist.
 */
export class Pipeline {
  private readonly onHeaders: Named<OnHeaders>[] | null;
  private readonly onRequest: Named<OnRequest>[] | null;
  private readonly wrapStream: Named<WrapStream>[] | null;
  /** In application order: the plugin listed last runs first, so the first listed sees the final event. */
  private readonly onEvent: Named<OnEvent>[] | null;
  private readonly onFinish: Named<OnFinish>[] | null;
  private readonly pending = new Set<Promise<unknown>>();

  readonly plugins: readonly Plugin[];
  /** Some plugin sees the event stream (`wrapStream` or `onEvent`): a provider's relay is off. */
  readonly observesEvents: boolean;

  constructor(plugins: readonly Plugin[]) {
    this.plugins = plugins;
    this.onHeaders = collect(plugins, 'onHeaders');
    this.onRequest = collect(plugins, 'onRequest');
    this.wrapStream = collect(plugins, 'wrapStream');
    this.onEvent = collect([...plugins].reverse(), 'onEvent');
    this.onFinish = collect(plugins, 'onFinish');
    this.observesEvents = this.wrapStream !== null || this.onEvent !== null;
  }

  /** Runs `onHeaders` hooks top-down, before the body is read; the first to throw refuses. */
  runOnHeaders(head: RequestHead): void {
    const hooks = this.onHeaders;
    if (!hooks) return;
    for (const hook of hooks) {
      try {
        hook.fn(head);
      } catch (error) {
        throw tag(error, hook.name, 'onHeaders');
      }
    }
  }

  /** Runs `onRequest` hooks top-down; stays synchronous until a hook returns a promise. */
  runOnRequest(ctx: ProxyContext): void | Promise<void> {
    const hooks = this.onRequest;
    if (!hooks) return;
    for (let i = 0; i < hooks.length; i++) {
      const hook = hooks[i]!;
      let result: void | Promise<void>;
      try {
        result = hook.fn(ctx);
      } catch (error) {
        throw tag(error, hook.name, 'onRequest');
      }
      if (result) return this.continueAsync(ctx, i, result);
    }
  }

  private async continueAsync(ctx: ProxyContext, at: number, first: Promise<void>): Promise<void> {
    const hooks = this.onRequest!;
    for (let i = at; i < hooks.length; i++) {
      const hook = hooks[i]!;
      try {
        await (i === at ? first : hook.fn(ctx));
      } catch (error) {
        throw tag(error, hook.name, 'onRequest');
      }
    }
  }

  /**
   * The events the client receives: `wrapStream` hooks around `send` (guarded per call), then
   * `onEvent` hooks, then a final guard that also folds usage into `ctx.usage`.
   */
  events(
    ctx: ProxyContext,
    send: Send,
    source: (ctx: ProxyContext) => string,
  ): AsyncIterable<StreamEvent> {
    const wraps = this.wrapStream;
    // Without wrapStream hooks, the provider's guard and the final one are adjacent: one generator
    // runs both, one async step per event fewer.
    if (!wraps) {
      return guarded(ctx, send(ctx, ctx.request), 'plugins', this.onEvent, true, source(ctx));
    }
    const innermost: Next = (request) => {
      const run = () => guarded(ctx, send(ctx, ctx.request), source(ctx), null, false);
      return request ? scoped(ctx, request, run) : run();
    };
    let chain = innermost;
    for (let i = wraps.length - 1; i >= 0; i--) chain = wrapLayer(ctx, wraps[i]!, chain);
    return guarded(ctx, chain(), 'plugins', this.onEvent, true);
  }

  /** Runs `onFinish` hooks off the response's path; `close()` waits for them. */
  finish(ctx: ProxyContext, outcome: Outcome): void {
    const hooks = this.onFinish;
    if (!hooks) return;
    for (const hook of hooks) {
      const promise = Promise.resolve()
        .then(() => hook.fn(ctx, outcome))
        .catch((error: unknown) =>
          ctx.log.error({ err: error, plugin: hook.name }, 'onFinish failed'),
        )
        .finally(() => this.pending.delete(promise));
      this.pending.add(promise);
    }
  }

  /** Waits for pending `onFinish` work, then closes plugins in reverse order. */
  async close(log: { error(obj: object, msg: string): void }): Promise<void> {
    await Promise.all(this.pending);
    for (const plugin of [...this.plugins].reverse()) {
      try {
        await plugin.close?.();
      } catch (error) {
        log.error({ err: error, plugin: plugin.name }, 'close failed');
      }
    }
  }
}

function collect<K extends 'onHeaders' | 'onRequest' | 'wrapStream' | 'onEvent' | 'onFinish'>(
  plugins: readonly Plugin[],
  key: K,
): Named<NonNullable<Plugin[K]>>[] | null {
  const hooks = plugins.flatMap((p) => (p[key] ? [{ name: p.name, fn: p[key].bind(p) }] : []));
  return hooks.length ? (hooks as Named<NonNullable<Plugin[K]>>[]) : null;
}

function wrapLayer(ctx: ProxyContext, hook: Named<WrapStream>, inner: Next): Next {
  const run = () => {
    try {
      return hook.fn(ctx, inner);
    } catch (error) {
      throw tag(error, hook.name, 'wrapStream');
    }
  };
  return (request) => (request ? scoped(ctx, request, run) : run());
}

/**
 * Runs an inner chain with `request` as `ctx.request`, restoring the caller's afterwards: a
 * fallback that calls `next()` again must not inherit a request an inner plugin rewrote.
 */
async function* scoped(
  ctx: ProxyContext,
  request: MessagesRequest,
  run: () => AsyncIterable<StreamEvent>,
): AsyncGenerator<StreamEvent> {
  const saved = ctx.request;
  ctx.request = request;
  try {
    yield* run();
  } finally {
    ctx.request = saved;
  }
}

/** Tags an error with the plugin and hook it came from, keeping a ProxyError's own status. */
export function tag(error: unknown, plugin: string, hook: string): ProxyError {
  const e = asProxyError(error);
  e.plugin ??= plugin;
  e.hook ??= hook;
  return e;
}

/**
 * Guards `source` under `label` (the final guard also folds usage and the stop reason into
 * `ctx`), running `hooks` on each event first. With `provider`, events first pass a guard of the
 * provider's own, as if its call were guarded alone.
 */
async function* guarded(
  ctx: ProxyContext,
  source: AsyncIterable<StreamEvent>,
  label: string,
  hooks: Named<OnEvent>[] | null,
  final: boolean,
  provider?: string,
): AsyncGenerator<StreamEvent> {
  const inner = provider === undefined ? null : newGuard(ctx, provider, false);
  const guard = newGuard(ctx, label, final);
  // Reused for every event: arrays are allocated only when a hook expands an event.
  const checked: StreamEvent[] = [];
  const applied: StreamEvent[] = [];
  const out: StreamEvent[] = [];
  const pass = (event: StreamEvent) => {
    if (hooks) applyEvent(ctx, hooks, 0, event, applied);
    else applied.push(event);
    for (const each of applied) guard.push(each, out);
    applied.length = 0;
  };
  try {
    for await (const event of source) {
      // An upstream's error text may echo the request's headers: keys never get past here.
      if (event.type === 'error') event.error.message = ctx.redact(event.error.message);
      if (inner) {
        inner.push(event, checked);
        for (const each of checked) pass(each);
        checked.length = 0;
      } else pass(event);
      for (const each of out) yield each;
      out.length = 0;
      if (guard.finished) return;
      if (inner?.finished) break;
    }
  } catch (error) {
    throw redactError(error, (text) => ctx.redact(text));
  }
  if (inner) {
    if (!inner.end(checked)) throw noEvents(provider!);
    for (const each of checked) pass(each);
  }
  if (!guard.end(out)) throw noEvents(label);
  yield* out;
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
