import { hash, timingSafeEqual } from 'node:crypto';
import {
  ConfigError,
  ProxyError,
  addressSet,
  checkOptions,
  isLoopback,
  Options,
  Type,
  type Static,
  type ClientInfo,
  type Plugin,
} from '../../core/index.ts';

/** `auth()` options. */
export const AuthOptions = Options({
  /**
   * Keys clients may present (`x-api-key` or `Authorization: Bearer`). Empty strings and
   * `undefined` entries are ignored, so `[process.env.CCPROXY_API_KEY]` works unset.
   * No key at all: only loopback clients are served.
   */
  // `undefined` entries (an unset variable) are dropped before the check: JSON has no undefined.
  keys: Type.Optional(
    Type.Array(Type.Unsafe<string | undefined>(Type.Union([Type.String(), Type.Null()]))),
  ),
  /**
   * With no key, serve clients from any address. Default `false`; ccproxy also refuses to start
   * on a non-loopback host with no key unless this (or `server.allowOpen`) is set.
   */
  allowOpen: Type.Optional(Type.Boolean()),
  /**
   * Addresses and CIDR ranges (IPv4 and IPv6; `10.0.0.0/8`, `::1`) allowed to connect at all,
   * checked before anything else on every route, probes included. Behind a reverse proxy, list it
   * in `server.trustProxy` so that the client's own address is checked. Default: any address.
   */
  allowIps: Type.Optional(Type.Array(Type.String())),
});
export type AuthOptions = Static<typeof AuthOptions>;

/** The routes whose callers must present a client key (when keys are configured). */
const GUARDED = /^\/v1\/(messages(\/count_tokens)?|models(\/[^/]+)?)$|^\/api\/route\/explain$/;

// Keys are compared as SHA-256 digests: equal lengths for timingSafeEqual, and no early exit that
// would tell an attacker how many leading characters were right.
const digest = (key: string): Buffer => hash('sha256', key, 'buffer');

/**
 * Checks client keys in constant time; 401 `authentication_error` in Anthropic's shape (A2).
 * Guards `/v1/messages`, `count_tokens`, `/v1/models` and `/api/route/explain`; probes (`HEAD /`,
 * `/health`) stay open. A verified key is marked `client.access = 'key'`: ccproxy's own, it is
 * never sent upstream.
 * @example auth({ keys: [process.env.CCPROXY_API_KEY] })
 */
export function auth(options: AuthOptions = {}): Plugin {
  const keys = (options.keys ?? []).filter((k) => k !== undefined);
  checkOptions('auth', AuthOptions, { ...options, keys });
  const digests = keys.filter((k): k is string => typeof k === 'string' && k !== '').map(digest);
  // The digests of keys that matched, so that a client's key is hashed once, not per request. Only
  // configured keys get in (at most one entry each), and the cache goes with this instance when a
  // reload replaces the config. The comparison below stays constant-time either way.
  const verified = new Map<string, Buffer>();
  let open = options.allowOpen ?? false;
  const allowed = options.allowIps
    ? addressSet(options.allowIps, 'plugins (auth): options.allowIps')
    : null;

  /** Whether `client` may be served, as `ClientInfo.access`; throws the client's error if not. */
  const check = (client: ClientInfo, guarded: boolean): ClientInfo['access'] => {
    if (digests.length === 0) {
      if (open || isLoopback(client.ip)) return 'open';
      if (!guarded) return 'anonymous';
      throw new ProxyError(
        'permission_error',
        403,
        'No client key is configured: only loopback clients are served',
      );
    }
    if (client.key === undefined) {
      if (!guarded) return 'anonymous';
      throw new ProxyError(
        'authentication_error',
        401,
        'Missing API key: send x-api-key or Authorization: Bearer',
      );
    }
    const presented = verified.get(client.key) ?? digest(client.key);
    // Every configured key is compared, so the time taken does not tell which one matched.
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(presented, d) || ok;
    if (ok) {
      verified.set(client.key, presented);
      return 'key';
    }
    if (!guarded) return 'anonymous';
    throw new ProxyError('authentication_error', 401, 'Invalid API key');
  };

  return {
    name: 'auth',
    enforce: 'pre',
    setup(app) {
      for (const key of keys) app.addSecret(key ?? undefined);
      open ||= app.server.allowOpen;
      if (digests.length === 0 && !open && !isLoopback(app.server.host)) {
        throw new ConfigError(
          `server.host "${app.server.host}" is not loopback and auth has no keys; set keys, or allowOpen to serve anyone`,
        );
      }
      app.provide('client-auth', { check });
    },
    // On headers alone, before any body is read: an unauthorised client cannot make the proxy
    // receive and hold a 32 MB body.
    onHeaders({ path, client }) {
      if (allowed && !allowed.has(client.ip)) {
        throw new ProxyError('permission_error', 403, 'This address is not allowed to connect');
      }
      client.access = check(client, GUARDED.test(path));
    },
  };
}
