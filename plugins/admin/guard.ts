import { hash, timingSafeEqual } from 'node:crypto';
import type { Context, Middleware, Next } from 'koa';
import { ProxyError, isLoopback, type ProxyApp } from '../../core/index.ts';

/** Who may use the admin API and UI (DESIGN §8.4); one per app, shared by every admin route. */
export interface AdminGuard {
  /** Admits admin keys, or loopback clients when no admin key is set. */
  readonly read: Middleware;
  /** `read`, and refuses cross-site requests and bodies that are not JSON (no CSRF). */
  readonly write: Middleware;
  /** Adds admin keys (`admin({ keys })`); empty and undefined entries are ignored. */
  addKeys(keys: readonly (string | undefined)[]): void;
  /** True when at least one admin key is set: then loopback alone is not enough. */
  readonly hasKeys: boolean;
  /**
   * Admits requests that `check` vouches for besides admin keys: the UI's session cookie. Writes
   * still refuse cross-site requests, so a cookie never carries another site's form.
   */
  acceptSession(check: SessionCheck): void;
  /** True when `key` is an admin key (constant-time): the UI's login form. */
  isAdminKey(key: string): boolean;
  /** Whether `read` would admit this request, without answering it. */
  admits(http: Context): Promise<boolean>;
}

/** Says whether a request carries a valid session (a cookie), never throws. */
export type SessionCheck = (http: Context) => Promise<boolean>;

declare module '../../core/index.ts' {
  interface ProxyServices {
    'admin-guard': AdminGuard;
  }
}

// Compared as SHA-256 digests: equal lengths for timingSafeEqual, no early exit on a prefix.
const digest = (key: string): Buffer => hash('sha256', key, 'buffer');

/**
 * The app's admin guard, created on the first call and provided as the service `'admin-guard'`.
 * Keys come from `admin({ keys })` and `CCPROXY_ADMIN_KEY`, presented as `x-api-key` or
 * `Authorization: Bearer`. Client keys (`auth`) are never admin keys.
 */
export function adminGuard(app: ProxyApp): AdminGuard {
  const existing = app.service('admin-guard');
  if (existing) return existing;
  const guard = createGuard();
  guard.addKeys([app.env.CCPROXY_ADMIN_KEY]);
  app.provide('admin-guard', guard);
  return guard;
}

function createGuard(): AdminGuard {
  const digests: Buffer[] = [];
  const sessions: SessionCheck[] = [];

  const isAdminKey = (key: string): boolean => {
    const presented = digest(key);
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(presented, d) || ok;
    return ok;
  };

  /** Why a request is refused; undefined when it is admitted. */
  const refusal = async (http: Context): Promise<ProxyError | undefined> => {
    if (digests.length === 0) {
      // Loopback only, by address and by Host: a page on another site that rebinds its DNS name
      // to 127.0.0.1 reaches us from loopback, but with its own name in Host.
      if (isLoopback(http.req.socket.remoteAddress ?? '') && isLoopback(hostName(http))) return;
      return new ProxyError(
        'permission_error',
        403,
        'No admin key is configured: the admin API serves loopback clients only (set CCPROXY_ADMIN_KEY)',
      );
    }
    const key = presentedKey(http);
    if (key !== undefined) {
      return isAdminKey(key)
        ? undefined
        : new ProxyError('authentication_error', 401, 'Invalid admin key');
    }
    for (const check of sessions) if (await check(http)) return;
    return new ProxyError(
      'authentication_error',
      401,
      'Missing admin key: send x-api-key or Authorization: Bearer',
    );
  };

  const admit = async (http: Context): Promise<void> => {
    const error = await refusal(http);
    if (error) throw error;
  };

  return {
    read: async (http: Context, next: Next) => {
      await admit(http);
      await next();
    },
    write: async (http: Context, next: Next) => {
      refuseCrossSite(http);
      await admit(http);
      await next();
    },
    addKeys(keys) {
      for (const key of keys) if (key) digests.push(digest(key));
    },
    get hasKeys() {
      return digests.length > 0;
    },
    acceptSession(check) {
      sessions.push(check);
    },
    isAdminKey,
    admits: async (http) => (await refusal(http)) === undefined,
  };
}

/**
 * Refuses a browser's cross-site request (a form or a fetch from another origin) and a body that
 * is not JSON: what every admin write, and the UI's login, checks first.
 */
export function refuseCrossSite(http: Context): void {
  const site = http.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') {
    throw new ProxyError(
      'permission_error',
      403,
      `Cross-site request refused (Sec-Fetch-Site: ${site})`,
    );
  }
  const origin = http.get('origin');
  if (origin && origin !== `${http.protocol}://${http.get('host')}`) {
    throw new ProxyError(
      'permission_error',
      403,
      `Cross-origin request refused (Origin: ${origin})`,
    );
  }
  // The body types a plain HTML form can send need no preflight; JSON does.
  const hasBody = http.get('content-length') !== '' && http.get('content-length') !== '0';
  const type = http.get('content-type');
  if ((hasBody || http.get('transfer-encoding') || type) && !/^application\/json\b/i.test(type)) {
    throw new ProxyError(
      'invalid_request_error',
      415,
      `Expected Content-Type: application/json, got ${type ? `"${type}"` : 'none'}`,
    );
  }
}

function presentedKey(http: Context): string | undefined {
  const header = http.get('x-api-key');
  const bearer = /^bearer\s+(.+)$/i.exec(http.get('authorization'))?.[1]?.trim();
  return header || bearer || undefined;
}

/** The Host header's name without the port (`[::1]:3456` → `::1`). */
function hostName(http: Context): string {
  const host = http.get('host');
  const bracketed = /^\[([^\]]+)\]/.exec(host);
  return bracketed ? bracketed[1]! : host.replace(/:\d+$/, '');
}
