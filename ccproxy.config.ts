// The env-compatible default, written out: what `npx ccproxy` runs with no config file.
// Copy it, then compose: add providers, routes, your own plugins (see examples/ and README).
// It imports 'ccproxy' as a copy of it anywhere would: the loader resolves it to the running ccproxy
// (the sources' by relative path would be compiled into the config, a second copy of ccproxy).
import { defineConfig } from 'ccproxy';
import { auth, boostFromEnv, cockpit, customHeaders, modelMap, openai } from 'ccproxy/plugins';

const env = process.env;
const big = env.BIG_MODEL || 'gpt-4o';
const int = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);

// HOST, PORT and LOG_LEVEL are read by ccproxy itself, for every config.
export default defineConfig({
  plugins: [
    // The key clients must present; unset, any key is accepted from loopback clients.
    auth({ keys: [env.ANTHROPIC_API_KEY, env.CCPROXY_API_KEY] }),
    // CUSTOM_HEADER_X_FOO=bar → X-FOO: bar on every upstream request.
    customHeaders(),
    openai({
      name: 'openai',
      baseUrl: env.OPENAI_BASE_URL || undefined,
      apiKey: env.OPENAI_API_KEY || undefined,
      // Unset, each client's own key goes upstream (the Python proxy's dynamic mode), never an
      // Anthropic credential nor the key clients present to ccproxy (ANTHROPIC_API_KEY).
      passThroughKey: !env.OPENAI_API_KEY,
      apiVersion: env.AZURE_API_VERSION || undefined, // set: Azure mode
      maxTokens: { max: int('MAX_TOKENS_LIMIT', 4096), min: int('MIN_TOKENS_LIMIT', 100) },
      timeoutMs: int('REQUEST_TIMEOUT', 90) * 1000,
    }),
    modelMap({
      big: `openai,${big}`,
      middle: `openai,${env.MIDDLE_MODEL || big}`,
      small: `openai,${env.SMALL_MODEL || 'gpt-4o-mini'}`,
    }),
    boostFromEnv(env),
    // Usage, cost, history, budgets and the admin API, stored in ~/.ccproxy/ccproxy.db.
    // Parts go with cockpit({ history: false, budgets: false }); storage: false keeps it in memory.
    cockpit(),
  ],
});
