import type { Context } from 'koa';
import { ProxyError, type Plugin, type ProxyApp } from '../../core/index.ts';
import { defaultAssetsDir, loadAssets, type Asset } from './assets.ts';
import { NOT_BUILT_PAGE } from './not-built.ts';

export interface UiOptions {
  /** The built UI's folder. Default: `ui/dist` in the ccproxy package (built by `npm run build:ui`). */
  dir?: string;
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
 * Serves the web UI at `/ui/` (DESIGN §8.7), on the admin API's origin. The pages themselves are
 * public files; every figure they show comes from `/api/`, behind the admin guard.
 * @example ui()
 */
export function ui(options: UiOptions = {}): Plugin {
  const dir = options.dir ?? defaultAssetsDir();
  return {
    name: 'ui',
    setup(app: ProxyApp) {
      const assets = loadAssets(dir);
      if (!assets) app.log.warn({ dir }, 'the web UI is not built: /ui/ explains how to build it');

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
