import { ConfigError, checkOptions, type Plugin } from '../../core/index.ts';

export interface CustomHeadersOptions {
  /** Where `CUSTOM_HEADER_*` variables are read. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Extra headers, set over the environment's. Default: none. */
  headers?: Record<string, string>;
}

const PREFIX = 'CUSTOM_HEADER_';
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// RFC 9110 field values: no control character but tab. A line break would fail every request.
const CONTROL = /(?!\t)\p{Cc}/u;
const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    env: { type: 'object' },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

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
  checkOptions('custom-headers', schema, options);
  // Checked at load: a bad header name must stop the start, not fail every request.
  const headers = { ...headersFromEnv(options.env ?? process.env), ...options.headers };
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name))
      throw new ConfigError(`plugins (custom-headers): "${name}" is not a valid header name`);
    if (CONTROL.test(value)) {
      throw new ConfigError(
        `plugins (custom-headers): the value of "${name}" contains a line break or another control character`,
      );
    }
  }
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
