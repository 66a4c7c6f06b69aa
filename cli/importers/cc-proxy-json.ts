import type { ConfigSpec, ProviderSpec } from '../config-writer.ts';
import { keyOf, providerName, Reader, type Imported } from './shape.ts';

/** The Claude Code variables `env-models` sets, by the tier whose requests carry that model. */
const TIER_VARIABLES = {
  big: ['ANTHROPIC_DEFAULT_OPUS_MODEL'],
  middle: ['ANTHROPIC_DEFAULT_SONNET_MODEL', 'ANTHROPIC_MODEL'],
  small: ['ANTHROPIC_DEFAULT_HAIKU_MODEL'],
} as const;
type Tier = keyof typeof TIER_VARIABLES;

/** The wire an `api_base_url` names, by its endpoint's path. */
const ENDPOINTS: [RegExp, ProviderSpec['factory']][] = [
  [/\/v1\/messages$/, 'anthropic'],
  [/\/chat\/completions$/, 'openai'],
  [/\/responses$/, 'openaiResponses'],
];

/**
 * The JSON of the web-UI proxy (`config.json`: `HOST`, `PORT`, `APIKEY`, `env-models`,
 * `HeaderOverrides`, `RequestOverrides`, `Providers`). It sends every request to the provider
 * selected in its UI (the first one until another is picked) with the model Claude Code names,
 * which `env-models` chooses per tier: the tiers go to the first provider, with those models (else
 * the provider's own opus/sonnet/haiku model, else its first). The override presets become
 * `overrides()` presets, applied to no provider until one is named (the source picks them in its UI).
 */
export function importCcProxyJson(text: string, file: string): Imported {
  const read = new Reader(file);
  const root = read.json(text);
  const secrets: Record<string, string> = {};
  const dropped: string[] = [];
  const entries = read.array(root.Providers, 'Providers');
  const providers: { spec: ProviderSpec; models: Record<string, string> }[] = [];
  for (const [i, entry] of entries.entries()) {
    const place = `Providers[${i}]`;
    // "Note" entries are the UI's notes, not providers (the source skips them too).
    if (read.object(entry, place).name === 'Note') continue;
    const { spec, key, models } = provider(read, entry, place, dropped);
    if (key) secrets[spec.apiKeyEnv!] = key;
    providers.push({ spec, models });
  }
  const first = providers[0] ?? read.fail('Providers', 'at least one provider', entries);
  const global = envModels(read, root['env-models'], 'env-models');
  const tiers = Object.fromEntries(
    (Object.keys(TIER_VARIABLES) as Tier[]).map((tier) => [
      tier,
      `${first.spec.name},${tierModel(read, tier, { ...global, ...first.models }, first.spec)}`,
    ]),
  ) as ConfigSpec['tiers'];
  const overrides = presets(read, root);
  if (typeof root.APIKEY === 'string' && root.APIKEY) secrets.CCPROXY_API_KEY = root.APIKEY;
  for (const name of ['TOKEN_PARAM', 'API_TIMEOUT_MS', 'ERROR_THRESHOLD', 'LOG', 'LOG_LEVEL'])
    if (root[name] !== undefined) dropped.push(`${name}: not carried over`);
  return {
    spec: {
      providers: providers.map((p) => p.spec),
      tiers,
      ...(overrides && { overrides }),
      server: {
        ...(typeof root.HOST === 'string' && { host: root.HOST }),
        ...(typeof root.PORT === 'number' && { port: root.PORT }),
      },
      cockpit: true,
      notes: [
        `Imported from the web-UI proxy's ${file} by ccproxy import cc-proxy-json.`,
        ...(providers.length > 1
          ? [
              `The tiers go to ${first.spec.name}, the provider it selects first; switch them live (ccproxy switch, /ui/).`,
            ]
          : []),
      ],
    },
    secrets,
    dropped,
  };
}

function provider(read: Reader, entry: unknown, place: string, dropped: string[]) {
  const o = read.object(entry, place);
  const name = providerName(read.string(o.name, `${place}.name`));
  const url = read.url(o.api_base_url, `${place}.api_base_url`);
  const path = url.pathname.replace(/\/+$/, '');
  const [pattern, factory] =
    ENDPOINTS.find(([endpoint]) => endpoint.test(path)) ??
    read.fail(
      `${place}.api_base_url`,
      'an endpoint URL ending in /v1/messages, /chat/completions or /responses',
      o.api_base_url,
    );
  const models = read
    .array(o.models ?? [], `${place}.models`)
    .map((m, i) => read.string(m, `${place}.models[${i}]`));
  const { apiKeyEnv, secret } = keyOf(
    name,
    read.optionalString(o.api_key ?? o.token, `${place}.api_key`),
  );
  for (const option of ['token_in', 'token_header', 'token_header_format'])
    if (o[option] !== undefined) dropped.push(`${place} (${name}): ${option}: not carried over`);
  const spec: ProviderSpec = {
    factory,
    name,
    // The adapter adds the endpoint's path; OpenAI-compatible base URLs keep their version.
    baseUrl: `${url.origin}${path.replace(pattern, '')}`,
    ...(apiKeyEnv && { apiKeyEnv }),
    ...(models.length > 0 && { models }),
  };
  return { spec, key: secret, models: envModels(read, o['env-models'], `${place}.env-models`) };
}

function envModels(read: Reader, value: unknown, place: string): Record<string, string> {
  if (value === undefined) return {};
  const o = read.object(value, place);
  return Object.fromEntries(
    Object.entries(o)
      .filter(([, model]) => model !== '')
      .map(([name, model]) => [name, read.string(model, `${place}.${name}`)]),
  );
}

/** The tier's model: `env-models` first, else the provider's model named like the tier, else its first. */
function tierModel(
  read: Reader,
  tier: Tier,
  models: Record<string, string>,
  spec: ProviderSpec,
): string {
  for (const variable of TIER_VARIABLES[tier]) if (models[variable]) return models[variable];
  const family = { big: 'opus', middle: 'sonnet', small: 'haiku' }[tier];
  const listed = spec.models ?? [];
  return (
    listed.find((m) => m.includes(family)) ??
    listed[0] ??
    read.fail(`Providers (${spec.name}).models`, `a model for ${tier} (or env-models)`, listed)
  );
}

/** `HeaderOverrides` and `RequestOverrides` as `overrides()` presets, paired by name. */
function presets(read: Reader, root: Record<string, unknown>) {
  const all: Record<string, { headers?: Record<string, string>; body?: Record<string, unknown> }> =
    {};
  const headerSets = read.object(root.HeaderOverrides ?? {}, 'HeaderOverrides');
  for (const [name, value] of Object.entries(headerSets)) {
    const headers = read.object(value, `HeaderOverrides.${name}`);
    for (const [header, text] of Object.entries(headers))
      read.string(text, `HeaderOverrides.${name}.${header}`);
    if (Object.keys(headers).length) all[name] = { headers: headers as Record<string, string> };
  }
  const bodies = read.object(root.RequestOverrides ?? {}, 'RequestOverrides');
  for (const [name, value] of Object.entries(bodies)) {
    const body = read.object(value, `RequestOverrides.${name}`);
    if (Object.keys(body).length) all[name] = { ...all[name], body };
  }
  return Object.keys(all).length ? { presets: all, providers: {} } : undefined;
}
