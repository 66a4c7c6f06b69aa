import type { ProviderSpec } from '../config-writer.ts';
import { keyOf, Reader, routing, type Imported, type ScenarioRoutes } from './shape.ts';

/** Routes the Go ccproxy names after a scenario; any other route is named after a model. */
const SCENARIOS = ['default', 'background', 'think', 'longContext', 'webSearch', 'image'] as const;

/**
 * The Go ccproxy's `config.json` (`~/.ccproxy/config.json`): `providers` (`name`, `api_base_url`,
 * `api_key`, `models`, `enabled`), `routes` (scenario or model name → `{ provider, model,
 * conditions }`, a `tokenCount` condition setting the long-context threshold), `apikey`, `host`,
 * `port`.
 */
export function importGoCcproxy(text: string, file: string): Imported {
  const read = new Reader(file);
  const root = read.json(text);
  const secrets: Record<string, string> = {};
  const dropped: string[] = [];
  const providers: ProviderSpec[] = [];
  read.array(root.providers, 'providers').forEach((entry, i) => {
    const place = `providers[${i}]`;
    const o = read.object(entry, place);
    const name = read.string(o.name, `${place}.name`);
    if (o.enabled === false) return void dropped.push(`${place} (${name}): disabled, left out`);
    const url = read.url(o.api_base_url, `${place}.api_base_url`);
    const { apiKeyEnv, secret } = keyOf(name, read.optionalString(o.api_key, `${place}.api_key`));
    if (secret) secrets[apiKeyEnv] = secret;
    const models = read.array(o.models ?? [], `${place}.models`);
    providers.push({
      factory: factoryFor(url),
      name,
      baseUrl: url.href.replace(/\/+$/, ''),
      ...(apiKeyEnv && { apiKeyEnv }),
      ...(models.length > 0 && {
        models: models.map((m, j) => read.string(m, `${place}.models[${j}]`)),
      }),
    });
  });
  const routes = read.object(root.routes, 'routes');
  const scenario: Partial<ScenarioRoutes> = { models: {} };
  for (const [name, value] of Object.entries(routes)) {
    const o = read.object(value, `routes.${name}`);
    const target = read.target(
      `${read.string(o.provider, `routes.${name}.provider`)},${read.string(o.model, `routes.${name}.model`)}`,
      `routes.${name}`,
    );
    if ((SCENARIOS as readonly string[]).includes(name))
      scenario[name as (typeof SCENARIOS)[number]] = target;
    else scenario.models![name] = target;
    const threshold = tokenThreshold(read, o.conditions, `routes.${name}.conditions`);
    if (name === 'longContext' && threshold !== undefined)
      scenario.longContextThreshold = threshold;
  }
  if (!scenario.default) read.fail('routes.default', '{ "provider", "model" }', undefined);
  const apikey = root.apikey ?? root.api_key;
  if (typeof apikey === 'string' && apikey) secrets.CCPROXY_API_KEY = apikey;
  for (const name of ['proxy_url', 'performance', 'log_file'])
    if (root[name] !== undefined) dropped.push(`${name}: not carried over`);
  return {
    spec: {
      providers,
      ...routing(scenario as ScenarioRoutes),
      server: {
        ...(typeof root.host === 'string' && { host: root.host }),
        ...(typeof root.port === 'number' && { port: root.port }),
      },
      cockpit: true,
      notes: [`Imported from the Go ccproxy's ${file} by ccproxy import go-ccproxy.`],
    },
    secrets,
    dropped,
  };
}

/** Anthropic's and Gemini's own hosts have their adapters; everything else speaks OpenAI's API. */
function factoryFor(url: URL): ProviderSpec['factory'] {
  if (url.hostname.endsWith('anthropic.com')) return 'anthropic';
  if (url.hostname === 'generativelanguage.googleapis.com') return 'gemini';
  return 'openai';
}

/** `[{ "type": "tokenCount", "operator": ">", "value": 60000 }]` → 60000. */
function tokenThreshold(read: Reader, conditions: unknown, place: string): number | undefined {
  if (conditions === undefined || conditions === null) return undefined;
  const found = read
    .array(conditions, place)
    .map((c, i) => read.object(c, `${place}[${i}]`))
    .find((c) => c.type === 'tokenCount');
  if (!found) return undefined;
  return typeof found.value === 'number'
    ? found.value
    : read.fail(`${place}.value`, 'a number', found.value);
}
