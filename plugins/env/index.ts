import type { PluginOption } from '../../core/index.ts';
import { auth } from '../auth/index.ts';
import { cockpit } from '../cockpit/index.ts';
import { customHeaders } from '../custom-headers/index.ts';
import { modelMap } from '../model-map/index.ts';
import { openai } from '../providers/openai/index.ts';
import { boostFromEnv } from './boost.ts';
import { maxTokensOf, positiveInt } from './numbers.ts';

/**
 * The env-compatible default (DESIGN §1): what runs with no config file, reading the variables of
 * the Python proxies ccproxy replaces, with their semantics. `ccproxy.config.ts` at the repo root
 * is this same list written out.
 */
export function envPreset(env: NodeJS.ProcessEnv = process.env): PluginOption[] {
  const big = env.BIG_MODEL || 'gpt-4o';
  return [
    // The key clients must present: ANTHROPIC_API_KEY (the Python proxies') or CCPROXY_API_KEY
    // (the Go ccproxy's); both set, either is accepted. Unset, any key (loopback only).
    auth({ keys: [env.ANTHROPIC_API_KEY, env.CCPROXY_API_KEY] }),
    customHeaders({ env }),
    openai({
      name: 'openai',
      baseUrl: env.OPENAI_BASE_URL || undefined,
      apiKey: env.OPENAI_API_KEY || undefined,
      // Unset, each client's own key goes upstream (the Python proxy's dynamic mode), never an
      // Anthropic credential nor the key clients present to ccproxy (ANTHROPIC_API_KEY).
      passThroughKey: !env.OPENAI_API_KEY,
      // Set, it switches to Azure: deployment URLs, `api-version`, the `api-key` header.
      apiVersion: env.AZURE_API_VERSION || undefined,
      maxTokens: maxTokensOf(env),
      timeoutMs: (positiveInt(env, 'REQUEST_TIMEOUT') ?? 90) * 1000,
    }),
    modelMap({
      big: `openai,${big}`,
      middle: `openai,${env.MIDDLE_MODEL || big}`,
      small: `openai,${env.SMALL_MODEL || 'gpt-4o-mini'}`,
    }),
    // ENABLE_BOOST_SUPPORT, BOOST_BASE_URL, BOOST_API_KEY, BOOST_MODEL, BOOST_WRAPPER_TEMPLATE: a
    // provider named boost-planner and boost() planning with it.
    boostFromEnv(env),
    // Usage, cost, history and the admin API, in CCPROXY_HOME/ccproxy.db (README "Cockpit").
    cockpit(),
  ];
}
