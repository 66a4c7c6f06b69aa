import {
  checkOptions,
  configuredHeaders,
  HeaderMap,
  Options,
  Type,
  type Plugin,
  type Static,
} from '../../core/index.ts';

/** `customHeaders()` options. */
export const CustomHeadersOptions = Options({
  /** Where `CUSTOM_HEADER_*` variables are read. Default: `process.env`. */
  env: Type.Optional(Type.Unsafe<NodeJS.ProcessEnv>({ type: 'object' })),
  /** Extra headers, set over the environment's. Default: none. */
  headers: Type.Optional(HeaderMap),
});
export type CustomHeadersOptions = Static<typeof CustomHeadersOptions>;

const PREFIX = 'CUSTOM_HEADER_';

/** `CUSTOM_HEADER_X_API_KEY=v` → `X-API-KEY: v` (underscores become hyphens, as the Python proxy did). */
export function headersFromEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(PREFIX) && name.length > PREFIX.length && value !== undefined) {
      headers[name.slice(PREFIX.length).replace(/_/g, '-')] = value;
    }
  }
  return headers;
}

/**
 * Sends `CUSTOM_HEADER_X_FOO=bar` upstream as `X-FOO: bar`, plus any `headers` given (C21), to
 * every provider. For one provider only, use that provider factory's own `headers` option.
 * @example customHeaders({ headers: { 'X-Team': 'infra' } })
 */
export function customHeaders(options: CustomHeadersOptions = {}): Plugin {
  checkOptions('custom-headers', CustomHeadersOptions, options);
  // Checked at load: a bad header must stop the start, not fail every request. Names in lower
  // case: CUSTOM_HEADER_AUTHORIZATION replaces the provider's authorization, not duplicates it.
  const headers = configuredHeaders(
    { ...headersFromEnv(options.env ?? process.env), ...options.headers },
    'plugins (custom-headers)',
  );
  const entries = Object.entries(headers);
  return {
    name: 'custom-headers',
    setup(app) {
      for (const [, value] of entries) app.addSecret(value);
    },
    onRequest(ctx) {
      for (const [name, value] of entries) ctx.upstream.headers[name] = value;
    },
  };
}
