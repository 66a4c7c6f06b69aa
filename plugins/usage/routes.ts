import type { Context } from 'koa';
import { ProxyError, type ProxyApp } from '../../core/index.ts';
import type { Storage } from '../../core/storage.ts';
import { adminGuard } from '../admin/guard.ts';
import { cursor, group, integer, range, text } from './params.ts';
import { statusline } from './statusline.ts';

/** The admin API's usage routes (DESIGN §8.4), behind the admin guard. */
export function usageRoutes(app: ProxyApp, storage: Storage): void {
  const { read } = adminGuard(app);
  const http = app.http;
  http.get('/api/usage', read, async (c: Context) => {
    c.body = await storage.usage({ by: group(c.query), ...range(c.query) });
  });
  http.get('/api/requests', read, async (c: Context) => {
    c.body = await storage.requests({
      q: text(c.query, 'q'),
      session: text(c.query, 'session'),
      provider: text(c.query, 'provider'),
      model: text(c.query, 'model'),
      status: integer(c.query, 'status', 100, 599),
      ...range(c.query),
      limit: integer(c.query, 'limit', 1, 500) ?? 50,
      cursor: cursor(c.query),
    });
  });
  http.get('/api/requests/:id', read, async (c: Context) => {
    const detail = await storage.request(id(c));
    if (!detail) throw new ProxyError('not_found_error', 404, `No request ${id(c)}`);
    c.body = {
      ...detail.row,
      request: detail.body && { ...detail.body, response: undefined },
      response: detail.body?.response ?? null,
    };
  });
  http.get('/api/sessions/:id', read, async (c: Context) => {
    const session = await storage.session(id(c));
    if (!session) throw new ProxyError('not_found_error', 404, `No session ${id(c)}`);
    c.body = session;
  });
  http.get('/api/statusline', read, async (c: Context) => {
    c.body = await statusline(app, storage, text(c.query, 'session'));
  });
}

const id = (c: Context): string => (c.params as Record<string, string>).id!;
