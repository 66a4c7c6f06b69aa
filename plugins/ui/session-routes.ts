import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { ProxyError } from '../../core/index.ts';
import { refuseCrossSite, type AdminGuard } from '../admin/guard.ts';
import { SESSION_COOKIE, SESSION_TTL_MS, type UiSessions } from './sessions.ts';

/** What `/ui/session` answers: whether `/api/` serves this browser, and whether a key is needed. */
interface SessionState {
  authenticated: boolean;
  key_required: boolean;
}

const state = async (guard: AdminGuard, http: Context): Promise<SessionState> => ({
  authenticated: await guard.admits(http),
  key_required: guard.hasKeys,
});

/** The credential a login posts: an admin key, or the banner URL's one-time token. */
function credentialOf(body: unknown): { key: string } | { token: string } {
  const value = (body ?? {}) as { key?: unknown; token?: unknown };
  if (typeof value.key === 'string' && value.key) return { key: value.key };
  if (typeof value.token === 'string' && value.token) return { token: value.token };
  throw new ProxyError(
    'invalid_request_error',
    400,
    'body: expected { "key": "<admin key>" } or { "token": "<one-time token>" }',
  );
}

/**
 * `GET /ui/session` (who am I), `POST /ui/session` (log in: sets the session cookie) and
 * `DELETE /ui/session` (log out). Login and logout refuse cross-site requests like every admin
 * write: no other site can log a browser in or out.
 */
export function sessionRoutes(
  router: Router,
  readBody: Middleware,
  guard: AdminGuard,
  sessions: UiSessions,
): void {
  router.get('/ui/session', async (http) => {
    http.set('cache-control', 'no-store');
    http.body = await state(guard, http);
  });

  const sameSite: Middleware = (http, next) => {
    refuseCrossSite(http);
    return next();
  };
  router.post('/ui/session', sameSite, readBody, async (http) => {
    http.set('cache-control', 'no-store');
    if (!guard.hasKeys) {
      // No admin key is set: there is nothing to log in to; loopback browsers are served as they are.
      http.body = await state(guard, http);
      return;
    }
    const credential = credentialOf(http.request.body);
    const valid =
      'key' in credential
        ? guard.isAdminKey(credential.key)
        : await sessions.redeem(credential.token);
    if (!valid) {
      throw new ProxyError(
        'authentication_error',
        401,
        'key' in credential
          ? 'Invalid admin key'
          : 'This login link was used already or has expired: log in with the admin key',
      );
    }
    http.cookies.set(SESSION_COOKIE, await sessions.open(), {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      maxAge: SESSION_TTL_MS,
      secure: http.secure,
      overwrite: true,
    });
    http.body = { authenticated: true, key_required: true } satisfies SessionState;
  });

  router.delete('/ui/session', async (http) => {
    refuseCrossSite(http);
    const id = http.cookies.get(SESSION_COOKIE);
    if (id) await sessions.close(id);
    http.cookies.set(SESSION_COOKIE, '', {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      maxAge: 0,
      overwrite: true,
    });
    http.status = 204;
  });
}
