import type { MessagesRequest, StreamEvent } from '../anthropic.ts';
import type { ProxyContext } from '../context.ts';
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
import { GuardedEvents, tag, type Named } from './guarded.ts';

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
  events(ctx: ProxyContext, send: Send, source: (ctx: ProxyContext) => string): GuardedEvents {
    const wraps = this.wrapStream;
    // Without wrapStream hooks, the provider's guard and the final one are adjacent: one iterator
    // runs both, one async step per event fewer.
    if (!wraps) {
      return new GuardedEvents(
        ctx,
        send(ctx, ctx.request),
        'plugins',
        this.onEvent,
        true,
        source(ctx),
      );
    }
    const innermost: Next = (request) => {
      const run = () => new GuardedEvents(ctx, send(ctx, ctx.request), source(ctx), null, false);
      return request ? scoped(ctx, request, run) : run();
    };
    let chain = innermost;
    for (let i = wraps.length - 1; i >= 0; i--) chain = wrapLayer(ctx, wraps[i]!, chain);
    return new GuardedEvents(ctx, chain(), 'plugins', this.onEvent, true);
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
