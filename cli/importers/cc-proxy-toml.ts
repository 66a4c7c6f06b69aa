import { parse, TomlError } from 'smol-toml';
import type { ConfigSpec, ProviderSpec } from '../config-writer.ts';
import { keyOf, providerName, Reader, type Imported } from './shape.ts';

type Tier = 'big' | 'middle' | 'small';
const TIERS: readonly Tier[] = ['big', 'middle', 'small'];
/** The Python proxy's defaults for a tier left unset. */
const DEFAULT_MODEL: Record<Tier, string> = {
  big: 'gpt-4o',
  middle: 'gpt-4o',
  small: 'gpt-4o-mini',
};

/** A `[[provider]]` as read: its spec and the models it lists per tier. */
interface Listed {
  spec: ProviderSpec;
  tiers: Record<Tier, string[]>;
}

/**
 * cc-proxy's `providers.toml` (`~/.config/claude-code-proxy/providers.toml`): `[config]` (port,
 * anthropic_api_key, big/middle/small_model) and `[[provider]]` tables (name, base_url, env_key or
 * api_key, provider_type `openai` or `anthropic`, big/middle/small_models). A tier's model goes
 * to the first provider listing it for that tier (else for any tier, else the first provider).
 */
export function importCcProxyToml(text: string, file: string): Imported {
  const read = new Reader(file);
  const root = read.object(parseToml(read, text), 'the file');
  const config = read.object(root.config ?? {}, '[config]');
  const secrets: Record<string, string> = {};
  const dropped: string[] = [];
  const tables = read.array(root.provider, '[[provider]]');
  if (tables.length === 0) read.fail('[[provider]]', 'at least one [[provider]] table', tables);
  const listed = tables.map((entry, i) => {
    const { item, secret } = provider(read, entry, `provider[${i}]`);
    if (secret) secrets[item.spec.apiKeyEnv!] = secret;
    return item;
  });
  const tiers = Object.fromEntries(
    TIERS.map((tier) => {
      const place = `[config].${tier}_model`;
      const model = read.optionalString(config[`${tier}_model`], place) ?? DEFAULT_MODEL[tier];
      return [tier, `${servedBy(listed, tier, model).spec.name},${model}`];
    }),
  ) as ConfigSpec['tiers'];
  const clientKey = read.optionalString(
    config.anthropic_api_key || undefined,
    '[config].anthropic_api_key',
  );
  if (clientKey) secrets.CCPROXY_API_KEY = clientKey;
  for (const name of [
    'log_level',
    'max_tokens_limit',
    'min_tokens_limit',
    'request_timeout',
    'host',
  ])
    if (config[name] !== undefined) dropped.push(`[config].${name}: not carried over`);
  const port = config.port;
  return {
    spec: {
      providers: listed.map((item) => item.spec),
      tiers,
      server: Number.isInteger(port) && (port as number) > 0 ? { port: port as number } : {},
      cockpit: true,
      notes: [`Imported from cc-proxy's ${file} by ccproxy import toml.`],
    },
    secrets,
    dropped,
  };
}

/** The file as TOML; a syntax error is named by line and column. */
function parseToml(read: Reader, text: string): unknown {
  try {
    return parse(text);
  } catch (error) {
    if (error instanceof TomlError)
      return read.fail(
        `line ${error.line}, column ${error.column}`,
        'TOML',
        error.message.split('\n')[0],
      );
    throw error;
  }
}

function provider(read: Reader, entry: unknown, place: string) {
  const o = read.object(entry, place);
  const name = providerName(read.string(o.name, `${place}.name`));
  const type = o.provider_type ?? 'openai';
  if (type !== 'openai' && type !== 'anthropic')
    read.fail(`${place}.provider_type`, '"openai" or "anthropic"', type);
  const url = read.url(o.base_url, `${place}.base_url`);
  const models = (tier: Tier) =>
    read
      .array(o[`${tier}_models`] ?? [], `${place}.${tier}_models`)
      .map((m, i) => read.string(m, `${place}.${tier}_models[${i}]`));
  const tiers = { big: models('big'), middle: models('middle'), small: models('small') };
  // env_key names the variable itself; api_key is the value, which goes to .env.
  const envKey = read.optionalString(o.env_key, `${place}.env_key`);
  const { apiKeyEnv, secret } = envKey
    ? { apiKeyEnv: envKey, secret: undefined }
    : keyOf(name, read.optionalString(o.api_key, `${place}.api_key`));
  const all = [...new Set([...tiers.big, ...tiers.middle, ...tiers.small])];
  const spec: ProviderSpec = {
    factory: type,
    name,
    baseUrl: url.toString().replace(/\/+$/, ''),
    ...(apiKeyEnv && { apiKeyEnv }),
    ...(all.length > 0 && { models: all }),
  };
  return { item: { spec, tiers }, secret };
}

function servedBy(listed: readonly Listed[], tier: Tier, model: string): Listed {
  return (
    listed.find((p) => p.tiers[tier].includes(model)) ??
    listed.find((p) => TIERS.some((t) => p.tiers[t].includes(model))) ??
    listed[0]!
  );
}
