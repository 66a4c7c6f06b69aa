import {
  checkOptions,
  configuredHeaders,
  HeaderMap,
  HttpUrl,
  Options,
  Type,
  type ProviderAbout,
  type ProxyApp,
  type Static,
  type TSchema,
  type UpstreamTimeouts,
} from '../../../core/index.ts';

/**
 * What every provider factory takes (DESIGN §4), before its own options: spread into an
 * adapter's schema, `Options({ ...providerOptions, own: … })`.
 */
export const providerOptions = {
  /** The name model references use (`name,model`) and the plugin's name. Default: the adapter's. */
  name: Type.Optional(Type.String({ pattern: '^[^,/\\s]+$' })),
  /** The vendor's base URL, written the way its own SDK takes it. */
  baseUrl: Type.Optional(HttpUrl),
  /** The upstream key. Absent: the client's own credential is forwarded, where the wire allows. */
  apiKey: Type.Optional(Type.String()),
  /** Models served, for `/v1/models` and bare model names. */
  models: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  /** Headers added to every upstream request. */
  headers: Type.Optional(HeaderMap),
  /** Milliseconds to wait for the upstream's first byte. Default 600 000 (Claude Code's own). */
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
};

/** The common provider options alone. */
export const ProviderOptions = Options(providerOptions);
export type ProviderOptions = Static<typeof ProviderOptions>;

/**
 * Checks a provider factory's options once, at load, against its schema. A key that is set but
 * empty (an unset environment variable) counts as absent.
 */
export function checkProviderOptions<S extends TSchema>(
  adapter: string,
  schema: S,
  options: Static<S>,
): Static<S> & ProviderOptions {
  const cleaned: ProviderOptions & Record<string, unknown> = { ...(options as object) };
  for (const key of Object.keys(cleaned)) if (cleaned[key] === undefined) delete cleaned[key];
  if (cleaned.apiKey === '') delete cleaned.apiKey;
  const { name = adapter, headers } = cleaned;
  checkOptions(name, schema, cleaned);
  if (headers) cleaned.headers = configuredHeaders(headers, `plugins (${name}): options.headers`);
  return cleaned;
}

/** The timeouts of a provider's calls. */
export const timeoutsOf = (options: ProviderOptions): UpstreamTimeouts =>
  options.timeoutMs ? { firstByteMs: options.timeoutMs } : {};

/** Registers the provider's key and header values as secrets, redacted from upstream error text. */
export function addProviderSecrets(app: ProxyApp, options: ProviderOptions): void {
  app.addSecret(options.apiKey);
  for (const value of Object.values(options.headers ?? {})) app.addSecret(value);
}

/** What a provider says of itself (`Provider.about`): never its key, only whether a value is it. */
export const aboutProvider = (
  kind: string,
  baseUrl: string,
  options: ProviderOptions,
): ProviderAbout => ({
  kind,
  baseUrl,
  keyed: options.apiKey !== undefined,
  isKey: (value) => options.apiKey !== undefined && value === options.apiKey,
});
