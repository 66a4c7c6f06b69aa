import {
  checkOptions,
  configuredHeaders,
  type ProxyApp,
  type UpstreamTimeouts,
} from '../../../core/index.ts';

/** What every provider factory takes (DESIGN §4), before its own options. */
export interface ProviderOptions {
  /** The name model references use (`name,model`) and the plugin's name. Default: the adapter's. */
  name?: string;
  /** The vendor's base URL, written the way its own SDK takes it. */
  baseUrl?: string;
  /** The upstream key. Absent: the client's own credential is forwarded, where the wire allows. */
  apiKey?: string;
  /** Models served, for `/v1/models` and bare model names. */
  models?: string[];
  /** Headers added to every upstream request. */
  headers?: Record<string, string>;
  /** Milliseconds to wait for the upstream's first byte. Default 600 000 (Claude Code's own). */
  timeoutMs?: number;
}

const common = {
  name: { type: 'string', pattern: '^[^,/\\s]+$' },
  baseUrl: { type: 'string', pattern: '^https?://' },
  apiKey: { type: 'string' },
  models: { type: 'array', items: { type: 'string', minLength: 1 } },
  headers: { type: 'object', additionalProperties: { type: 'string' } },
  timeoutMs: { type: 'integer', minimum: 1 },
};

/**
 * Checks a provider factory's options once, at load: the common ones plus `extra` (JSON Schema
 * properties of the adapter's own). A key that is set but empty (an unset environment variable)
 * counts as absent.
 */
export function checkProviderOptions<T extends ProviderOptions>(
  adapter: string,
  options: T,
  extra: Record<string, object> = {},
): T {
  const cleaned = { ...options };
  for (const key of Object.keys(cleaned) as (keyof T)[])
    if (cleaned[key] === undefined) delete cleaned[key];
  if (cleaned.apiKey === '') delete cleaned.apiKey;
  const schema = {
    type: 'object',
    additionalProperties: false,
    properties: { ...common, ...extra },
  };
  checkOptions(cleaned.name ?? adapter, schema, cleaned);
  if (cleaned.headers)
    cleaned.headers = configuredHeaders(
      cleaned.headers,
      `plugins (${cleaned.name ?? adapter}): options.headers`,
    );
  return cleaned;
}

/** The timeouts of a provider's calls. */
export const timeoutsOf = (options: ProviderOptions): UpstreamTimeouts =>
  options.timeoutMs ? { firstByteMs: options.timeoutMs } : {};

/** A base URL without its trailing slashes, so paths join with one. */
export const trimUrl = (url: string): string => url.replace(/\/+$/, '');

/** Registers the provider's key and header values as secrets, redacted from upstream error text. */
export function addProviderSecrets(app: ProxyApp, options: ProviderOptions): void {
  app.addSecret(options.apiKey);
  for (const value of Object.values(options.headers ?? {})) app.addSecret(value);
}
