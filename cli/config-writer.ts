/**
 * Writes a `ccproxy.config.ts` from a plain description, for `init` and the importers: the file
 * imports `'ccproxy'` and `'ccproxy/plugins'`, reads every key from the environment, and starts
 * as is.
 */

/** A provider of the written config. */
export interface ProviderSpec {
  /** The factory: `openai` (any OpenAI-compatible server), `anthropic`, `gemini` or `openaiResponses`. */
  factory: 'openai' | 'anthropic' | 'gemini' | 'openaiResponses';
  name: string;
  baseUrl?: string;
  /** The environment variable holding its key; none: no key is sent (Ollama, vLLM). */
  apiKeyEnv?: string;
  /** Models it serves, for bare model names. */
  models?: string[];
  headers?: Record<string, string>;
}

/** What the written config does. */
export interface ConfigSpec {
  providers: ProviderSpec[];
  /** `provider,model` per tier (opus → big, sonnet → middle, haiku → small). */
  tiers: { big: string; middle: string; small: string };
  /** Router options, written as given (long context, background, thinking, web search …). */
  router?: Record<string, unknown>;
  /** `overrides()` options, written as given (header and body presets per provider). */
  overrides?: Record<string, unknown>;
  /** The variable holding the key clients must present. Default `CCPROXY_API_KEY`. */
  clientKeyEnv?: string;
  server?: { host?: string; port?: number };
  /** Include the cockpit preset (storage, usage, admin API, UI). */
  cockpit: boolean;
  /** Lines for the header comment: where it came from, what could not be carried over. */
  notes?: string[];
}

const literal = (value: unknown): string => JSON.stringify(value).replace(/"([^"]*)"/g, "'$1'");

/** Renders an object literal with identifier keys where they are valid, quoted keys elsewhere. */
function objectLiteral(entries: [string, string][], indent: string): string {
  const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : literal(k));
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${indent}  ${key(k)}: ${v},`).join('\n')}\n${indent}}`;
}

function value(input: unknown, indent: string): string {
  if (Array.isArray(input)) return `[${input.map((v) => value(v, indent)).join(', ')}]`;
  if (typeof input === 'object' && input !== null)
    return objectLiteral(
      Object.entries(input).map(([k, v]) => [k, value(v, `${indent}  `)]),
      indent,
    );
  return literal(input);
}

function provider(spec: ProviderSpec): string {
  const entries: [string, string][] = [['name', literal(spec.name)]];
  if (spec.baseUrl) entries.push(['baseUrl', literal(spec.baseUrl)]);
  if (spec.apiKeyEnv) entries.push(['apiKey', `process.env.${spec.apiKeyEnv}`]);
  if (spec.models?.length) entries.push(['models', value(spec.models, '      ')]);
  if (spec.headers && Object.keys(spec.headers).length)
    entries.push(['headers', value(spec.headers, '      ')]);
  return `    ${spec.factory}(${objectLiteral(entries, '    ')}),`;
}

/** The config file's text. */
export function renderConfig(spec: ConfigSpec): string {
  const factories = new Set(['auth', 'modelMap', ...spec.providers.map((p) => p.factory)]);
  if (spec.router) factories.add('router');
  if (spec.overrides) factories.add('overrides');
  if (spec.cockpit) factories.add('cockpit');
  const server = spec.server && Object.keys(spec.server).length ? spec.server : undefined;
  const clientKey = spec.clientKeyEnv ?? 'CCPROXY_API_KEY';
  const lines = [
    ...(spec.notes ?? []).map((note) => `// ${note}`),
    "import { defineConfig } from 'ccproxy';",
    `import { ${[...factories].sort().join(', ')} } from 'ccproxy/plugins';`,
    '',
    'export default defineConfig({',
    ...(server ? [`  server: ${value(server, '  ')},`] : []),
    '  plugins: [',
    `    // The key clients (Claude Code) present; unset, only loopback clients are served.`,
    `    auth({ keys: [process.env.${clientKey}] }),`,
    ...spec.providers.map(provider),
    `    modelMap(${value(spec.tiers, '    ')}),`,
    ...(spec.router ? [`    router(${value(spec.router, '    ')}),`] : []),
    ...(spec.overrides
      ? [
          "    // Presets by name; list them per provider: providers: { name: ['preset'] }.",
          `    overrides(${value(spec.overrides, '    ')}),`,
        ]
      : []),
    ...(spec.cockpit
      ? ['    // Storage, usage and cost, the admin API and the web UI at /ui/.', '    cockpit(),']
      : []),
    '  ],',
    '});',
    '',
  ];
  return lines.join('\n');
}

/**
 * Whether this ccproxy has the cockpit preset: configs written here include it when it does (a
 * config naming a missing export would not start).
 */
export async function hasCockpit(): Promise<boolean> {
  return 'cockpit' in (await import('../plugins/index.ts'));
}
