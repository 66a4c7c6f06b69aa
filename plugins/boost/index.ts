import { checkOptions, ConfigError, type Plugin, type ProxyContext } from '../../core/index.ts';
import { redisState } from '../shared/state/redis.ts';
import type { SharedState } from '../shared/state/index.ts';
import { MemoryPlanCache, sharedPlanCache } from './cache.ts';
import { boosted, type BoostSettings, type BoostState } from './loop.ts';
import { plannerTarget } from './planner.ts';
import { BoostOptions } from './schema.ts';
import { pickTemplate } from './template.ts';

export type { BoostState } from './loop.ts';
export type { PlannerUsage } from './planner.ts';
export { parsePlan, type Plan } from './parse.ts';
export { DEFAULT_TEMPLATE } from './template.ts';
export { BoostOptions } from './schema.ts';

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
 * @example boost({ tiers: ['big'], planner: 'openai,gpt-4o' })
 * @example boost({ tiers: ['big'], planner: 'anthropic,claude-opus-4-1' }) // with an anthropic() provider
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
    planner: plannerTarget(options.planner),
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
      app.requireTarget(settings.planner, 'plugins (boost): options.planner', 'boost planner');
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
