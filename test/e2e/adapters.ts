import { anthropicWire } from './wire/anthropic.ts';
import { geminiWire } from './wire/gemini.ts';
import { openaiWire } from './wire/openai.ts';
import { responsesWire } from './wire/responses.ts';
import type { WireFormat } from './wire/format.ts';
import { CLIENT_KEY } from './claude.ts';
import { repoImport, type ProxyLaunch } from './proxy.ts';

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
  /** How ccproxy starts in front of the upstream at `url`; absent: Claude Code talks to it directly. */
  launch?(url: string): ProxyLaunch;
}

const plugins = (await import('../../plugins/index.ts')) as Record<string, unknown>;

/** Whether this branch's `ccproxy/plugins` has the factory `name`. */
export const hasPlugin = (name: string): boolean => typeof plugins[name] === 'function';

/** The one page the scripted search backend knows. */
export const SEARCH_HIT = { url: 'https://example.com/ccproxy-e2e', title: 'ccproxy e2e page' };

// Searches answered in the config itself, so no search service is needed.
const WEB_SEARCH = `webSearch({ backend: { name: 'e2e', search: async () => [${JSON.stringify({ ...SEARCH_HIT, content: 'The e2e answer is 42.', pageAge: null })}] } }),`;

/** A config file as a user writes it: two providers on the same upstream, tiers mapped to the first. */
function configFor(factory: string, provider: string, baseUrl: string, big: string, small: string): string {
  const options = (name: string) => `{ name: '${name}', baseUrl: '${baseUrl}', apiKey: 'sk-upstream-e2e' }`;
  const search = hasPlugin('webSearch');
  return `import { defineConfig } from ${repoImport('core/index.ts')};
import { ${factory}, modelMap${search ? ', webSearch' : ''} } from ${repoImport('plugins/index.ts')};

export default defineConfig({
  plugins: [${search ? `\n    ${WEB_SEARCH}` : ''}
    ${factory}(${options(provider)}),
    ${factory}(${options('alt')}),
    modelMap({ big: '${provider},${big}', middle: '${provider},${big}', small: '${provider},${small}' }),
  ],
});
`;
}

export const adapters: Adapter[] = [
  {
    name: 'baseline (no proxy)',
    wire: anthropicWire,
    models: { alt: 'claude-e2e-alt' },
    altRef: 'claude-e2e-alt',
    translated: false,
  },
  {
    name: 'openai',
    wire: openaiWire,
    factory: 'openai',
    models: { big: 'gpt-e2e-big', small: 'gpt-e2e-small', alt: 'gpt-e2e-alt' },
    altRef: 'alt,gpt-e2e-alt',
    translated: true,
    launch: (url) => ({ config: configFor('openai', 'e2e', `${url}/v1`, 'gpt-e2e-big', 'gpt-e2e-small') }),
  },
  {
    name: 'openai (env only)',
    wire: openaiWire,
    factory: 'openai',
    models: { big: 'gpt-e2e-big', small: 'gpt-e2e-small', alt: 'gpt-e2e-alt' },
    altRef: 'openai,gpt-e2e-alt',
    translated: true,
    // No config file: the variables of the Python proxies, as their users set them.
    launch: (url) => ({
      env: {
        OPENAI_API_KEY: 'sk-upstream-e2e',
        OPENAI_BASE_URL: `${url}/v1`,
        BIG_MODEL: 'gpt-e2e-big',
        MIDDLE_MODEL: 'gpt-e2e-big',
        SMALL_MODEL: 'gpt-e2e-small',
        ANTHROPIC_API_KEY: CLIENT_KEY,
      },
    }),
  },
  {
    name: 'anthropic',
    wire: anthropicWire,
    factory: 'anthropic',
    models: { big: 'claude-e2e-big', small: 'claude-e2e-small', alt: 'claude-e2e-alt' },
    altRef: 'alt,claude-e2e-alt',
    translated: false,
    launch: (url) => ({ config: configFor('anthropic', 'e2e', url, 'claude-e2e-big', 'claude-e2e-small') }),
  },
  {
    name: 'gemini',
    wire: geminiWire,
    factory: 'gemini',
    models: { big: 'gemini-e2e-big', small: 'gemini-e2e-small', alt: 'gemini-e2e-alt' },
    altRef: 'alt,gemini-e2e-alt',
    translated: true,
    launch: (url) => ({ config: configFor('gemini', 'e2e', url, 'gemini-e2e-big', 'gemini-e2e-small') }),
  },
  {
    name: 'openai-responses',
    wire: responsesWire,
    factory: 'openaiResponses',
    models: { big: 'gpt-e2e-big', small: 'gpt-e2e-small', alt: 'gpt-e2e-alt' },
    altRef: 'alt,gpt-e2e-alt',
    translated: true,
    launch: (url) => ({ config: configFor('openaiResponses', 'e2e', `${url}/v1`, 'gpt-e2e-big', 'gpt-e2e-small') }),
  },
];
