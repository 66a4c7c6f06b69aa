import type { ProxyApp } from '../../core/index.ts';
import type { AdminGuard } from './guard.ts';

/**
 * `GET /api/config`: the config in force (secrets masked: no key or URL password is shown) with
 * the last reload's result; `POST /api/config/reload`: reload now, answering with that result
 * (200 when the new config serves, 422 when it was refused and the running one stays).
 */
export function configRoutes(app: ProxyApp, guard: AdminGuard, source: () => ConfigSummary): void {
  app.http.get('/api/config', guard.read, (http) => {
    const reloader = app.service('reloader');
    http.body = {
      ...source(),
      reload: { enabled: reloader?.enabled ?? false, last: reloader?.last ?? null },
    };
  });
  app.http.post('/api/config/reload', guard.write, async (http) => {
    const result = await app.service('reloader')!.reload();
    http.status = result.ok ? 200 : 422;
    http.body = result;
  });
}

/** What `GET /api/config` shows of the config itself. */
export interface ConfigSummary {
  file: string | null;
  server: { host: string; port: number; allowOpen: boolean };
  logLevel: string;
  redis: string | null;
  plugins: string[];
  providers: { name: string; source: 'config' | 'runtime'; models: readonly string[] }[];
}

/** A URL with its password (and a user name that may be a token) replaced by `****`. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '****';
    else if (parsed.username) parsed.username = '****';
    return parsed.toString();
  } catch {
    return '****';
  }
}
