import {
  checkOptions,
  ConfigError,
  estimateInputTokens,
  formatTarget,
  toTarget,
  type Plugin,
  type ProxyContext,
  type Target,
} from '../../core/index.ts';
import { memoryState, type SharedState } from '../shared/state/index.ts';
import { withLocalFallback } from '../shared/state/fallback.ts';
import { redisState } from '../shared/state/redis.ts';
import { Breakers } from './breaker.ts';
import { serveEndpoints } from './endpoints.ts';
import { RateLimiter, rateLimited } from './rate-limit.ts';
import { retrySettings } from './retry.ts';
import {
  fillParams,
  judge,
  toRoute,
  type Route,
  type RuleSet,
  type Verdict,
  TRAIT_RULES,
} from './rules.ts';
import {
  RouterOptions,
  type BreakerOptions,
  type CustomRoute,
  type RateLimitOptions,
  type RetryOptions,
  type RouteOption,
  type TimeoutOptions,
} from './schema.ts';
import { serve, type AttemptRecord, type Resilience } from './serve.ts';
import { PromptTokens } from './tokens.ts';

export type {
  RouterOptions,
  BreakerOptions,
  CustomRoute,
  RateLimitOptions,
  RetryOptions,
  RouteOption,
  TimeoutOptions,
};

declare module '../../core/index.ts' {
  interface ProxyState {
    /**
     * Set in onRequest: the target routed to, its fallbacks and every attempt made for it, for the
     * log and `onFinish`.
     */
    router?: { target: Target; fallbacks: Target[]; attempts: AttemptRecord[] };
  }
}

/**
 * Routes by what a request needs and keeps it answered when a provider fails: rules, fallbacks
 * before the first byte, retries with backoff, a circuit breaker per provider, rate limits,
 * timeouts, optional mid-stream continuation, `GET /health` and `POST /api/route/explain`.
 * @example router({ longContext: { model: 'gemini,gemini-2.5-pro', threshold: 60000 }, fallbacks: { openai: ['gemini,gemini-2.5-flash'] } })
 */
export function router(options: RouterOptions = {}): Plugin {
  checkOptions('router', RouterOptions, options);
  if (options.custom !== undefined && typeof options.custom !== 'function') {
    throw new ConfigError(
      'plugins (router): options.custom: expected a function (request, ctx) => "provider,model" | undefined',
    );
  }
  const rules = ruleSet(options);
  const fallbacks = new Map(
    Object.entries(options.fallbacks ?? {}).map(([key, refs]) => [key, refs.map(toTarget)]),
  );
  const fallbacksOf = (target: Target): Target[] =>
    fallbacks.get(formatTarget(target)) ?? fallbacks.get(target.provider) ?? [];
  const tokens = new PromptTokens();
  let store: SharedState = memoryState();
  const r: Resilience = {
    retry: retrySettings(options.retry || { attempts: 0 }),
    breakers: null,
    limits: null,
    timeouts: options.timeouts ?? null,
    continuation: options.continuation ?? false,
    async safely(ctx, work, fallback) {
      try {
        return await work();
      } catch (error) {
        ctx.log.warn(
          { err: error, store: store.kind },
          'router state unavailable; letting the request through',
        );
        return fallback;
      }
    },
  };
  const passThrough =
    r.retry.attempts === 0 &&
    options.breaker === false &&
    !options.rateLimits?.providers &&
    !r.timeouts &&
    !r.continuation;

  /** Applies the winning rule's route to the request; async only when client limits apply. */
  const applyRoute = (ctx: ProxyContext, verdicts: Verdict[]): void | Promise<void> => {
    const won = verdicts.at(-1)!;
    let route: Route | undefined;
    if (won.matched && won.rule !== 'explicit') {
      route = won.route!;
      ctx.target = { ...route.target };
      ctx.route = won.rule;
      ctx.request = fillParams(ctx.request, route.params);
    }
    ctx.state.router = {
      target: ctx.target,
      fallbacks: route?.fallbacks.length ? route.fallbacks : fallbacksOf(ctx.target),
      attempts: [],
    };
    if (ctx.endpoint === 'messages' && r.limits?.limitsClients) return limitClient(ctx, r);
  };

  return {
    name: 'router',
    enforce: 'post',
    async setup(app) {
      const redis = options.redis ?? app.redis;
      if (redis) {
        const shared = withLocalFallback(await redisState(redis), app.log, 'router');
        store = shared;
        app.addHealthCheck('redis', async () => {
          await shared.get('ping'); // a command tells whether Redis answers now
          return shared.local
            ? { status: 'degraded', redis: 'unreachable: breakers and rate limits per instance' }
            : { status: 'ok', redis: 'connected' };
        });
        await shared.get('ping');
      }
      const changed = (provider: string, from: string, to: string) =>
        app.service('events')?.publish('breaker', { provider, from, to });
      r.breakers = options.breaker === false ? null : new Breakers(options.breaker, store, changed);
      r.limits = options.rateLimits ? new RateLimiter(options.rateLimits, store) : null;
      for (const [where, route] of routesOf(rules)) {
        for (const target of [route.target, ...route.fallbacks])
          if (target.provider) app.requireTarget(target, `plugins (router): options.${where}`);
      }
      for (const [key, targets] of fallbacks) {
        for (const target of targets)
          if (target.provider)
            app.requireTarget(target, `plugins (router): options.fallbacks["${key}"]`);
      }
      serveEndpoints(app, {
        rules,
        tokens,
        fallbacksOf,
        breakers: () => r.breakers,
        store: () => store,
      });
    },
    onRequest(ctx) {
      const verdicts = judge(rules, { ctx, tokens }, false);
      return verdicts instanceof Promise
        ? verdicts.then((v) => applyRoute(ctx, v))
        : applyRoute(ctx, verdicts);
    },
    wrapStream(ctx, next) {
      const state = ctx.state.router;
      // Another target than the request's (boost's planner, called through next() like a
      // fallback) is a side call: its own fallbacks, and its attempts are not the request's hops.
      const own = state !== undefined && isRoutedTarget(state, ctx.target);
      const planned = own ? state.fallbacks : fallbacksOf(ctx.target);
      if (passThrough && planned.length === 0) return next();
      const attempts = own ? state.attempts : [];
      return serve(ctx, next, { targets: [ctx.target, ...planned], attempts }, r);
    },
    onFinish(ctx, outcome) {
      if (!r.limits || outcome.usage.output_tokens <= 0) return;
      return r.safely(
        ctx,
        () => r.limits!.chargeOutput(ctx, ctx.target.provider, outcome.usage.output_tokens),
        undefined,
      );
    },
    close: () => store.close(),
  };
}

/** The routed target or one of its fallbacks (the router itself moves `ctx.target` along them). */
function isRoutedTarget(state: { target: Target; fallbacks: Target[] }, target: Target): boolean {
  const same = (other: Target) =>
    other.provider === target.provider && other.model === target.model;
  return same(state.target) || state.fallbacks.some(same);
}

async function limitClient(ctx: ProxyContext, r: Resilience): Promise<void> {
  const waitMs = await r.safely(
    ctx,
    () => r.limits!.client(ctx, estimateInputTokens(ctx.request)),
    0,
  );
  if (waitMs > 0) throw rateLimited('this client', waitMs);
}

function ruleSet(options: RouterOptions): RuleSet {
  const optional = (option: RouteOption | undefined) =>
    option === undefined ? undefined : toRoute(option);
  const long = options.longContext;
  return {
    custom: options.custom,
    models: new Map(
      Object.entries(options.routes ?? {}).map(([name, option]) => [
        name.toLowerCase(),
        toRoute(option),
      ]),
    ),
    longContext:
      long === undefined
        ? undefined
        : { ...toRoute(long), threshold: (typeof long === 'object' && long.threshold) || 60_000 },
    background: optional(options.background),
    thinking: optional(options.thinking),
    webSearch: optional(options.webSearch),
    images: optional(options.images),
    default: optional(options.default),
  };
}

/** Every configured route with the option path naming it, for start-up checks. */
function routesOf(rules: RuleSet): [string, Route][] {
  const named: [string, Route][] = [...rules.models].map(([name, route]) => [
    `routes["${name}"]`,
    route,
  ]);
  for (const key of TRAIT_RULES) {
    const route = rules[key];
    if (route) named.push([key, route]);
  }
  return named;
}
