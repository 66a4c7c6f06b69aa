import { anthropicWire } from './wire/anthropic.ts';
import { geminiWire } from './wire/gemini.ts';
import { ollamaWire } from './wire/ollama.ts';
import { openaiWire } from './wire/openai.ts';
import { responsesWire } from './wire/responses.ts';
import type { WireFormat } from './wire/format.ts';
import { CLIENT_KEY } from './claude.ts';
import type { ProxyLaunch } from './proxy.ts';

/** One column of the matrix: how Claude Code reaches the scripted model. */
export interface Adapter {
  name: string;
  wire: WireFormat;
  /** The plugin factory this adapter needs from `ccproxy/plugins`; none for the baseline. */
  factory?: string;
  /** What the upstream must receive for Claude Code's default model and for `--model <altRef>`. */
  models: { big?: string; small?: string; alt: string };
  altRef: string;
  /** A translated path drops the attribution block and rewrites the wire format. */
  translated: boolean;
  /** Plugins this setup does not configure, though the branch has them (scenarios needing one skip). */
  without?: string[];
  /**
   * How ccproxy starts in front of the upstream at `url`, boost's planner at `planner`; absent:
   * Claude Code talks to the upstream directly.
   */
  launch?(url: string, planner: string): ProxyLaunch;
}

const plugins = (await import('../../plugins/index.ts')) as Record<string, unknown>;

/** Whether this branch's `ccproxy/plugins` has the factory `name`. */
export const hasPlugin = (name: string): boolean => typeof plugins[name] === 'function';

/** The one page the scripted search backend knows. */
export const SEARCH_HIT = { url: 'https://example.com/ccproxy-e2e', title: 'ccproxy e2e page' };

// Searches answered in the config itself, so no search service is needed.
const WEB_SEARCH = `webSearch({ backend: { name: 'e2e', search: async () => [${JSON.stringify({ ...SEARCH_HIT, content: 'The e2e answer is 42.', pageAge: null })}] } }),`;

type Models = Required<Adapter['models']>;

/** The planner model boost calls (on the scripted planner upstream). */
export const PLANNER_MODEL = 'gpt-e2e-planner';

/**
 * Boost is on for the middle tier only: Claude Code's default model is opus (big), so only a
 * scenario choosing `--model sonnet` is boosted and the others keep their direct path.
 */
const BOOST = (planner: string) =>
  `openai({ name: 'planner', baseUrl: '${planner}/v1', apiKey: 'sk-planner-e2e' }),\n    boost({ tiers: ['middle'], planner: 'planner,${PLANNER_MODEL}' }),`;

/** The names the upstream must receive, in the vendor's style (`gpt-e2e-big`, …). */
const modelsOf = (prefix: string): Models => ({
  big: `${prefix}-e2e-big`,
  small: `${prefix}-e2e-small`,
  alt: `${prefix}-e2e-alt`,
});

/**
 * A config file as a user writes it: two providers on the same upstream, tiers mapped to the
 * first, boost on the middle tier; on translated paths the web-search plugin serves Claude Code's
 * WebSearch.
 */
function configFor(
  factory: string,
  baseUrl: string,
  planner: string,
  models: Models,
  translated: boolean,
): string {
  const options = (name: string) =>
    `{ name: '${name}', baseUrl: '${baseUrl}', apiKey: 'sk-upstream-e2e' }`;
  const search = translated && hasPlugin('webSearch');
  const boost = hasPlugin('boost');
  return `import { defineConfig } from 'ccproxy';
import { ${factory}, modelMap${search ? ', webSearch' : ''}${boost ? `, boost${factory === 'openai' ? '' : ', openai'}` : ''} } from 'ccproxy/plugins';

export default defineConfig({
  plugins: [${search ? `\n    ${WEB_SEARCH}` : ''}
    ${factory}(${options('e2e')}),
    ${factory}(${options('alt')}),
    modelMap({ big: 'e2e,${models.big}', middle: 'e2e,${models.big}', small: 'e2e,${models.small}' }),${boost ? `\n    ${BOOST(planner)}` : ''}
  ],
});
`;
}

/** A column run from a config file; `/v1` is appended where the vendor's own SDK takes it. */
function configured(
  name: string,
  wire: WireFormat,
  factory: string,
  prefix: string,
  versionPath: '' | '/v1',
): Adapter {
  const models = modelsOf(prefix);
  const translated = wire !== anthropicWire;
  return {
    name,
    wire,
    factory,
    models,
    altRef: `alt,${models.alt}`,
    translated,
    launch: (url, planner) => ({
      config: configFor(factory, `${url}${versionPath}`, planner, models, translated),
    }),
  };
}

const gpt = modelsOf('gpt');

export const adapters: Adapter[] = [
  {
    name: 'baseline (no proxy)',
    wire: anthropicWire,
    models: { alt: 'claude-e2e-alt' },
    altRef: 'claude-e2e-alt',
    translated: false,
  },
  configured('openai', openaiWire, 'openai', 'gpt', '/v1'),
  {
    name: 'openai (env only)',
    wire: openaiWire,
    factory: 'openai',
    models: gpt,
    altRef: `openai,${gpt.alt}`,
    translated: true,
    // The Python proxies had no web search, and neither has their env-compatible default.
    without: ['webSearch'],
    // No config file: the variables of the Python proxies, as their users set them.
    launch: (url, planner) => ({
      env: {
        OPENAI_API_KEY: 'sk-upstream-e2e',
        OPENAI_BASE_URL: `${url}/v1`,
        BIG_MODEL: gpt.big,
        MIDDLE_MODEL: gpt.big,
        SMALL_MODEL: gpt.small,
        ANTHROPIC_API_KEY: CLIENT_KEY,
        ENABLE_BOOST_SUPPORT: 'MIDDLE_MODEL',
        BOOST_BASE_URL: `${planner}/v1`,
        BOOST_API_KEY: 'sk-planner-e2e',
        BOOST_MODEL: PLANNER_MODEL,
      },
    }),
  },
  configured('anthropic', anthropicWire, 'anthropic', 'claude', ''),
  configured('gemini', geminiWire, 'gemini', 'gemini', ''),
  configured('openai-responses', responsesWire, 'openaiResponses', 'gpt', '/v1'),
  configured('ollama', ollamaWire, 'ollama', 'ollama', ''),
];
