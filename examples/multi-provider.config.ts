// Four providers behind one endpoint: Claude Code's tiers mapped across them, long prompts and
// background calls routed by rule, fallbacks when a provider fails, web search for providers that
// lack Anthropic's server tool, and an in-house plugin imported like any npm package.
//   npx ccproxy --config examples/multi-provider.config.ts   (from the repo root: see README)
import { defineConfig } from 'ccproxy';
import {
  anthropic,
  auth,
  customHeaders,
  gemini,
  modelMap,
  openai,
  openaiResponses,
  router,
  webSearch,
} from 'ccproxy/plugins';
import { secretGuard } from 'ccproxy-plugin-secret-guard';

// A function config gets the environment from ccproxy (tests pass their own).
export default defineConfig(({ env }) => ({
  server: { host: '127.0.0.1', port: 3456 },
  plugins: [
    // Clients present CCPROXY_API_KEY; unset, only loopback clients are served.
    auth({ keys: [env.CCPROXY_API_KEY] }),
    customHeaders({ env }),
    // Keys and tokens pasted into a prompt never leave the machine.
    secretGuard(),
    openai({ name: 'openai', apiKey: env.OPENAI_API_KEY }),
    anthropic({ name: 'anthropic', apiKey: env.ANTHROPIC_API_KEY }),
    gemini({ name: 'gemini', apiKey: env.GEMINI_API_KEY }),
    openaiResponses({ name: 'responses', apiKey: env.OPENAI_API_KEY }),
    modelMap({
      big: 'anthropic,claude-opus-4-1',
      middle: 'responses,gpt-5',
      small: 'gemini,gemini-2.5-flash',
    }),
    router({
      // Prompts past 60k tokens go to the 1M-token context window.
      longContext: { model: 'gemini,gemini-2.5-pro', threshold: 60_000 },
      // Claude Code's haiku-class background calls (titles, summaries): the cheapest model.
      background: 'openai,gpt-4o-mini',
      // Tried in order when a provider fails before the first byte.
      fallbacks: {
        anthropic: ['responses,gpt-5', 'openai,gpt-4o'],
        responses: ['openai,gpt-4o'],
        gemini: ['openai,gpt-4o'],
      },
    }),
    // The anthropic provider serves web search itself; the others get it from Gemini's grounding.
    webSearch({ backend: { type: 'gemini', apiKey: env.GEMINI_API_KEY } }),
  ],
}));
