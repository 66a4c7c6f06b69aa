import {
  checkOptions,
  ConfigError,
  Options,
  RedisUrl,
  Type,
  type Plugin,
  type ProxyContext,
  type Static,
} from '../../core/index.ts';
import type { Tier } from '../model-map/index.ts';
import { redisState } from '../shared/state/redis.ts';
import type { SharedState } from '../shared/state/index.ts';
import { MemoryPlanCache, sharedPlanCache } from './cache.ts';
import { boosted, type BoostSettings, type BoostState } from './loop.ts';
import { PlannerOptions } from './planner.ts';
import { pickTemplate } from './template.ts';

export type { BoostState } from './loop.ts';
export type { PlannerOptions, PlannerUsage } from './planner.ts';
export { parsePlan, type Plan } from './parse.ts';
export { DEFAULT_TEMPLATE } from './template.ts';

/** `boost()` options. */
export const BoostOptions = Options({
  /** Model tiers (from model-map) boosted. Default: none; set this, `routes`, or both. */
  tiers: Type.Optional(Type.Array(Type.Enum(['big', 'middle', 'small'] satisfies Tier[]))),
  /** Route reasons (`ctx.route`: `tier:big`, `longContext`, `explicit`, `map`…) boosted. Default: none. */
  routes: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  /** The planning model: an OpenAI-compatible chat-completions endpoint. */
  planner: PlannerOptions,
  /**
   * The planner prompt, with `{loop_count}`, `{previous_attempts}`, `{user_request}` and
   * `{tools_text}` placeholders. Default (and when whitespace only): `DEFAULT_TEMPLATE`.
   */
  template: Type.Optional(Type.String()),
  /** Planner calls per request, retries included. Default 3. */
  maxPlannerCalls: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
  /**
   * Plan cache: a second identical request within `ttlMs` makes no planner call. Default
   * `{ ttlMs: 60000, maxEntries: 1000 }` in process memory; with `redis` (`redis://…`, default: the
   * config's top-level `redis`) in Redis, shared by every instance using it (bounded by the TTL);
   * `false` turns it off.
   */
  cache: Type.Optional(
    Type.Union([
      Type.Literal(false),
      Options({
        ttlMs: Type.Optional(Type.Integer({ minimum: 1 })),
        maxEntries: Type.Optional(Type.Integer({ minimum: 1 })),
        redis: Type.Optional(RedisUrl),
      }),
    ]),
  ),
});
export type BoostOptions = Static<typeof BoostOptions>;

declare module '../../core/index.ts' {
  interface ProxyState {
    /** Set when boost handled the request: outcome, cache hit, planner and discarded tokens. */
    boost?: BoostState;
  }
}

/**
 * A planner model directs a cheaper executor. For boosted requests carrying tools, the planner
 * (called without `tools`) either answers (SUMMARY) or tells the executor, which has the real
 * tools, what to call (GUIDANCE); unusable plans are retried, and a planner that cannot help
 * leaves the request to the executor alone.
 * @example boost({ tiers: ['big'], planner: { baseUrl: 'https://api.openai.com/v1', apiKey: process.env.BOOST_API_KEY!, model: 'gpt-4o' } })
 */
export function boost(options: BoostOptions): Plugin {
  checkOptions('boost', BoostOptions, options);
  if (!options.tiers?.length && !options.routes?.length) {
    throw new ConfigError(
      'plugins (boost): options: set "tiers" or "routes": boost applies to no request',
    );
  }
  const tiers = new Set<string>(options.tiers);
  const routes = new Set(options.routes);
  const cache = options.cache === false ? null : (options.cache ?? {});
  const settings: BoostSettings = {
    planner: {
      model: 'gpt-4o',
      headers: {},
      timeoutMs: 90_000,
      ...options.planner,
    },
    template: pickTemplate(options.template),
    maxPlannerCalls: options.maxPlannerCalls ?? 3,
    cache: cache && !cache.redis ? new MemoryPlanCache(cache.maxEntries ?? 1000) : null,
    ttlMs: cache?.ttlMs ?? 60_000,
  };
  const applies = (ctx: ProxyContext): boolean => {
    // A client forbidding tool calls gets no guidance to call them.
    if (!ctx.request.tools?.length || ctx.request.tool_choice?.type === 'none') return false;
    const tier = ctx.state['model-map']?.tier;
    return (tier != null && tiers.has(tier)) || routes.has(ctx.route);
  };
  let shared: SharedState | null = null;
  return {
    name: 'boost',
    async setup(app) {
      app.addSecret(settings.planner.apiKey);
      const redis = cache ? (cache.redis ?? app.redis) : undefined;
      if (!redis) return;
      shared = await redisState(redis);
      settings.cache = sharedPlanCache(shared);
    },
    wrapStream(ctx, next) {
      return applies(ctx) ? boosted(ctx, next, settings) : next();
    },
    async close() {
      await shared?.close();
    },
  };
}
