import type { Context } from 'koa';
import {
  checkOptions,
  Options,
  ProxyError,
  Type,
  type Plugin,
  type ProxyApp,
  type Static,
} from '../../core/index.ts';
import { adminGuard } from '../admin/guard.ts';
import { defaultAssetsDir, loadAssets, type Asset } from './assets.ts';
import { NOT_BUILT_PAGE } from './not-built.ts';
import { sessionRoutes } from './session-routes.ts';
import { SESSION_COOKIE, UiSessions, memoryTable } from './sessions.ts';

/** `ui()` options. */
export const UiOptions = Options({
  /** The built UI's folder. Default: `ui/dist` in the ccproxy package (built by `npm run build:ui`). */
  dir: Type.Optional(Type.String({ minLength: 1 })),
});
export type UiOptions = Static<typeof UiOptions>;

/** What the `ui` plugin shares: the start banner prints its login URL. */
export interface UiService {
  /**
   * `base/ui/#login=…`, a URL that logs one browser in, once, within 24 hours, when admin keys are
   * set; `base/ui/` when none is (loopback browsers need no login).
   */
  loginUrl(base: string): string;
}

declare module '../../core/index.ts' {
  interface ProxyServices {
    ui: UiService;
  }
}

/**
 * The page may load its own files only; data: images are the conversation's inline thumbnails.
 * No inline script can run, so text that slipped into the HTML still could not execute.
 */
const CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function send(http: Context, asset: Asset): void {
  http.set('content-security-policy', CSP);
  http.set('x-content-type-options', 'nosniff');
  http.set('referrer-policy', 'no-referrer');
  http.set('x-frame-options', 'DENY');
  // Hashed names never change; index.html is revalidated so a rebuilt UI is seen at once.
  http.set('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  http.vary('accept-encoding');
  http.type = asset.type;
  if (asset.gzip && http.acceptsEncodings('gzip', 'identity') === 'gzip') {
    http.set('content-encoding', 'gzip');
    http.body = asset.gzip;
  } else {
    http.body = asset.body;
  }
}

/**
 * Serves the web UI at `/ui/` (DESIGN §8.7), on the admin API's origin, with its login: the admin
 * key, or the one-time URL the start banner prints; either opens a session cookie the admin guard
 * accepts. The pages themselves are public files; every figure they show comes from `/api/`.
 * @example ui()
 */
export function ui(options: UiOptions = {}): Plugin {
  checkOptions('ui', UiOptions, options);
  const dir = options.dir ?? defaultAssetsDir();
  return {
    name: 'ui',
    async setup(app: ProxyApp) {
      const assets = loadAssets(dir);
      if (!assets) app.log.warn({ dir }, 'the web UI is not built: /ui/ explains how to build it');
      const guard = adminGuard(app);
      const sessions = new UiSessions(app.service('storage')?.settings ?? memoryTable());
      guard.acceptSession(async (http) => {
        const id = http.cookies.get(SESSION_COOKIE);
        return id !== undefined && (await sessions.isOpen(id));
      });
      // Minted now (setup may wait on storage); the banner is printed once the server listens.
      const token = guard.hasKeys ? await sessions.loginToken() : undefined;
      app.provide('ui', {
        loginUrl: (base) => `${base}/ui/${token ? `#login=${token}` : ''}`,
      });
      sessionRoutes(app.http, app.readBody, guard, sessions);

      // One route for `/ui` and everything under it: the router also matches `/ui` to `/ui/`.
      app.http.get('/ui{/*path}', (http) => {
        if (!http.path.startsWith('/ui/')) {
          http.status = 308;
          http.redirect('/ui/');
          return;
        }
        const path = http.path.slice('/ui/'.length) || 'index.html';
        if (!assets) {
          http.status = 503;
          http.type = 'text/html; charset=utf-8';
          http.body = NOT_BUILT_PAGE;
          return;
        }
        const asset = assets.get(path);
        if (!asset) throw new ProxyError('not_found_error', 404, `No UI file ${path}`);
        send(http, asset);
      });
    },
  };
}
