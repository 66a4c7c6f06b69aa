import { hash, timingSafeEqual } from 'node:crypto';
import type { Context, Next as KoaNext } from 'koa';
import {
  ConfigError,
  ProxyError,
  checkOptions,
  isLoopback,
  type ClientInfo,
  type Plugin,
} from '../../core/index.ts';

export interface AuthOptions {
  /**
   * Keys clients may present (`x-api-key` or `Authorization: Bearer`). Empty strings and
   * `undefined` entries are ignored, so `[process.env.CCPROXY_API_KEY]` works unset.
   * No key at all: only loopback clients are served.
   */
  keys?: (string | undefined)[];
  /**
   * With no key, serve clients from any address. Default `false`; ccproxy also refuses to start
   * on a non-loopback host with no key unless this (or `server.allowOpen`) is set.
   */
  allowOpen?: boolean;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    keys: { type: 'array', items: { type: ['string', 'null'] } },
    allowOpen: { type: 'boolean' },
  },
};

// Keys are compared as SHA-256 digests: equal lengths for timingSafeEqual, and no early exit that
// would tell an attacker how many leading characters were right.
const digest = (key: string): Buffer => hash('sha256', key, 'buffer');

/**
 * Checks client keys in constant time; 401 `authentication_error` in Anthropic's shape (A2).
 * Guards `/v1/messages`, `count_tokens` and `/v1/models`; probes (`HEAD /`) stay open.
 * @example auth({ keys: [process.env.CCPROXY_API_KEY] })
 */
export function auth(options: AuthOptions = {}): Plugin {
  // `undefined` entries are allowed (an unset variable) but JSON Schema cannot say so: drop them first.
  const keys = (options.keys ?? []).filter((k) => k !== undefined);
  checkOptions('auth', schema, { ...options, keys });
  const digests = keys.filter((k): k is string => typeof k === 'string' && k !== '').map(digest);
  let open = options.allowOpen ?? false;

  const check = (client: Pick<ClientInfo, 'ip' | 'key'>): void => {
    if (digests.length === 0) {
      if (open || isLoopback(client.ip)) return;
      throw new ProxyError(
        'permission_error',
        403,
        'No client key is configured: only loopback clients are served',
      );
    }
    if (client.key === undefined) {
      throw new ProxyError(
        'authentication_error',
        401,
        'Missing API key: send x-api-key or Authorization: Bearer',
      );
    }
    const presented = digest(client.key);
    // Every configured key is compared, so the time taken does not tell which one matched.
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(presented, d) || ok;
    if (!ok) throw new ProxyError('authentication_error', 401, 'Invalid API key');
  };

  return {
    name: 'auth',
    enforce: 'pre',
    setup(app) {
      open ||= app.server.allowOpen;
      if (digests.length === 0 && !open && !isLoopback(app.server.host)) {
        throw new ConfigError(
          `server.host "${app.server.host}" is not loopback and auth has no keys; set keys, or allowOpen to serve anyone`,
        );
      }
      app.http.use(['/v1/models', '/v1/models/:id'], (http: Context, next: KoaNext) => {
        check(clientOf(http));
        return next();
      });
    },
    onRequest(ctx) {
      check(ctx.client);
    },
  };
}

function clientOf(http: Context): Pick<ClientInfo, 'ip' | 'key'> {
  const header = http.get('x-api-key');
  const bearer = /^bearer\s+(.+)$/i.exec(http.get('authorization'))?.[1]?.trim();
  return { ip: http.req.socket.remoteAddress ?? '', key: header || bearer };
}
