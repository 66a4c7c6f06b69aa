import type { ProviderSpec } from '../config-writer.ts';
import { keyOf, Reader, routing, type Imported } from './shape.ts';

/**
 * claude-code-router's `config.json` (`~/.claude-code-router/config.json`): `Providers`, `Router`
 * (default, background, think, longContext and its threshold, webSearch, image), `APIKEY`,
 * `HOST`, `PORT`. Its provider URLs name the endpoint (`…/v1/chat/completions`); ccproxy's name
 * the base the adapter adds its path to.
 */
export function importCcr(text: string, file: string): Imported {
  const read = new Reader(file);
  const root = read.json(text);
  const secrets: Record<string, string> = {};
  const dropped: string[] = [];
  const providers = read.array(root.Providers, 'Providers').map((entry, i) => {
    const { spec, key } = provider(read, entry, `Providers[${i}]`, dropped);
    if (key) secrets[spec.apiKeyEnv!] = key;
    return spec;
  });
  const router = read.object(root.Router, 'Router');
  const target = (name: string) =>
    router[name] === undefined || router[name] === ''
      ? undefined
      : read.target(router[name], `Router.${name}`);
  const routes = routing({
    default: target('default') ?? read.fail('Router.default', '"provider,model"', undefined),
    background: target('background'),
    think: target('think'),
    longContext: target('longContext'),
    longContextThreshold:
      typeof router.longContextThreshold === 'number' ? router.longContextThreshold : undefined,
    webSearch: target('webSearch'),
    image: target('image'),
  });
  if (typeof root.APIKEY === 'string' && root.APIKEY) secrets.CCPROXY_API_KEY = root.APIKEY;
  for (const name of ['PROXY_URL', 'API_TIMEOUT_MS', 'CUSTOM_ROUTER_PATH', 'transformers'])
    if (root[name] !== undefined) dropped.push(`${name}: not carried over`);
  return {
    spec: {
      providers,
      ...routes,
      server: {
        ...(typeof root.HOST === 'string' && { host: root.HOST }),
        ...(typeof root.PORT === 'number' && { port: root.PORT }),
      },
      cockpit: true,
      notes: [`Imported from claude-code-router's ${file} by ccproxy import ccr.`],
    },
    secrets,
    dropped,
  };
}

/** Transformers whose job ccproxy's adapters do by themselves (a vendor's dialect). */
const BUILT_IN = new Set(['openrouter', 'deepseek', 'groq', 'gemini', 'anthropic', 'openai']);

function provider(read: Reader, entry: unknown, place: string, dropped: string[]) {
  const o = read.object(entry, place);
  const name = read.string(o.name, `${place}.name`);
  const url = read.url(o.api_base_url, `${place}.api_base_url`);
  const models = read
    .array(o.models ?? [], `${place}.models`)
    .map((m, i) => read.string(m, `${place}.models[${i}]`));
  const uses = transformers(read, o.transformer, `${place}.transformer`);
  const factory = uses.includes('gemini')
    ? 'gemini'
    : uses.includes('anthropic')
      ? 'anthropic'
      : 'openai';
  for (const use of uses.filter((u) => !BUILT_IN.has(u)))
    dropped.push(`${place} (${name}): transformer "${use}": no equivalent, not carried over`);
  const { apiKeyEnv, secret } = keyOf(name, read.optionalString(o.api_key, `${place}.api_key`));
  const spec: ProviderSpec = {
    factory,
    name,
    baseUrl: baseUrl(url, factory),
    ...(apiKeyEnv && { apiKeyEnv }),
    ...(models.length > 0 && { models }),
  };
  return { spec, key: secret };
}

/**
 * The transformer names a provider uses, lower-case: `{ use: ["deepseek", ["maxtoken", {…}]] }`
 * for all its models, and `{ "deepseek-chat": { use: ["tooluse"] } }` for one (named `tooluse for
 * deepseek-chat`).
 */
function transformers(read: Reader, value: unknown, place: string): string[] {
  if (value === undefined) return [];
  const names = (uses: unknown, at: string, suffix = '') =>
    read
      .array(uses ?? [], at)
      .map(
        (use, i) =>
          read.string(Array.isArray(use) ? use[0] : use, `${at}[${i}]`).toLowerCase() + suffix,
      );
  const { use, ...perModel } = read.object(value, place);
  return [
    ...names(use, `${place}.use`),
    ...Object.entries(perModel).flatMap(([model, entry]) =>
      names(read.object(entry, `${place}.${model}`).use, `${place}.${model}.use`, ` for ${model}`),
    ),
  ];
}

/** The adapter's base: the endpoint path claude-code-router names is the adapter's to add. */
function baseUrl(url: URL, factory: ProviderSpec['factory']): string {
  if (factory === 'gemini') return url.origin;
  const path = url.pathname.replace(/\/+$/, '');
  const trimmed =
    factory === 'anthropic'
      ? path.replace(/\/v1\/messages$/, '')
      : path.replace(/\/chat\/completions$/, '');
  return `${url.origin}${trimmed}`;
}
