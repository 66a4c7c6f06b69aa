import { ConfigError, type PluginOption } from '../../core/index.ts';
import { boost } from '../boost/index.ts';
import type { Tier } from '../model-map/index.ts';
import { openai } from '../providers/openai/index.ts';
import { maxTokensOf, positiveInt } from './numbers.ts';

/** The provider the Python proxy's boost variables define, which the planner references. */
export const ENV_PLANNER_PROVIDER = 'boost-planner';

const TIER_OF: Record<string, Tier | null> = {
  NONE: null,
  BIG_MODEL: 'big',
  MIDDLE_MODEL: 'middle',
  SMALL_MODEL: 'small',
};

/**
 * Boost as the Python proxy configured it: `ENABLE_BOOST_SUPPORT` (`NONE`, `BIG_MODEL`,
 * `MIDDLE_MODEL`, `SMALL_MODEL`, any case), `BOOST_BASE_URL` and `BOOST_API_KEY` (required when
 * enabled), `BOOST_MODEL` (default `gpt-4o`), `BOOST_WRAPPER_TEMPLATE`. They define an
 * OpenAI-compatible provider, `boost-planner`, bounded like the main one (`REQUEST_TIMEOUT`,
 * `MAX_TOKENS_LIMIT`, `MIN_TOKENS_LIMIT`), and `boost()` planning on `boost-planner,BOOST_MODEL`.
 * Returns null when boost is off.
 */
export function boostFromEnv(env: NodeJS.ProcessEnv): PluginOption[] | null {
  const value = (env.ENABLE_BOOST_SUPPORT ?? 'NONE').trim().toUpperCase() || 'NONE';
  if (!(value in TIER_OF)) {
    throw new ConfigError(
      `ENABLE_BOOST_SUPPORT: expected one of ${Object.keys(TIER_OF).join(', ')}, got ${JSON.stringify(env.ENABLE_BOOST_SUPPORT)}`,
    );
  }
  const tier = TIER_OF[value];
  if (!tier) return null;
  const baseUrl = required(env, 'BOOST_BASE_URL');
  const apiKey = required(env, 'BOOST_API_KEY');
  const model = env.BOOST_MODEL?.trim() || 'gpt-4o';
  return [
    openai({
      name: ENV_PLANNER_PROVIDER,
      baseUrl,
      apiKey,
      maxTokens: maxTokensOf(env),
      timeoutMs: (positiveInt(env, 'REQUEST_TIMEOUT') ?? 90) * 1000,
    }),
    boost({
      tiers: [tier],
      planner: `${ENV_PLANNER_PROVIDER},${model}`,
      template: env.BOOST_WRAPPER_TEMPLATE,
    }),
  ];
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`${name} is required when ENABLE_BOOST_SUPPORT is not NONE`);
  return value;
}
