import { ConfigError, type Plugin } from '../../core/index.ts';
import type { Tier } from '../model-map/index.ts';
import { boost } from './index.ts';

const TIER_OF: Record<string, Tier | null> = {
  NONE: null,
  BIG_MODEL: 'big',
  MIDDLE_MODEL: 'middle',
  SMALL_MODEL: 'small',
};

/**
 * Boost as the Python proxy configured it: `ENABLE_BOOST_SUPPORT` (`NONE`, `BIG_MODEL`,
 * `MIDDLE_MODEL`, `SMALL_MODEL`, any case), `BOOST_BASE_URL` and `BOOST_API_KEY` (required when
 * enabled), `BOOST_MODEL` (default `gpt-4o`), `BOOST_WRAPPER_TEMPLATE`. `REQUEST_TIMEOUT`
 * (seconds) bounds each planner call, as it bounded every upstream call there.
 * Returns null when boost is off.
 */
export function boostFromEnv(env: NodeJS.ProcessEnv): Plugin | null {
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
  const timeout = Number(env.REQUEST_TIMEOUT);
  return boost({
    tiers: [tier],
    planner: {
      baseUrl,
      apiKey,
      model: env.BOOST_MODEL?.trim() || 'gpt-4o',
      ...(timeout > 0 && { timeoutMs: Math.round(timeout * 1000) }),
    },
    template: env.BOOST_WRAPPER_TEMPLATE,
  });
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`${name} is required when ENABLE_BOOST_SUPPORT is not NONE`);
  return value;
}
