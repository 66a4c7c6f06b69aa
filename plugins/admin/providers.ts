import { ProxyError, type ProxyApp } from '../../core/index.ts';
import type { RuntimeProviders } from '../live/providers.ts';
import type { AdminGuard } from './guard.ts';

/**
 * `GET /api/providers` (config and runtime providers, breaker state, keys masked),
 * `POST /api/providers` (add), `PUT`/`DELETE /api/providers/{name}` (runtime providers only).
 */
export function providerRoutes(
  app: ProxyApp,
  guard: AdminGuard,
  providers: RuntimeProviders,
): void {
  // The router's breaker of each provider; `off` without a router (or with breakers off).
  const modes = async (): Promise<Record<string, string>> =>
    (await app
      .service('breakers')
      ?.states()
      .catch(() => null)) ?? {};
  const withBreaker = async <T extends { name: string }>(entry: T) => ({
    ...entry,
    breaker: (await modes())[entry.name] ?? 'off',
  });

  app.http.get('/api/providers', guard.read, async (http) => {
    const breakers = await modes();
    http.body = {
      providers: providers.list().map((entry) => ({
        ...entry,
        breaker: breakers[entry.name] ?? 'off',
      })),
    };
  });
  app.http.post('/api/providers', guard.write, app.readBody, async (http) => {
    http.status = 201;
    http.body = await withBreaker(await providers.put(http.request.body));
  });
  app.http.put('/api/providers/:name', guard.write, app.readBody, async (http) => {
    http.body = await withBreaker(await providers.put(http.request.body, http.params.name));
  });
  app.http.delete('/api/providers/:name', guard.write, async (http) => {
    await providers.remove(http.params.name!);
    http.status = 204;
  });
  app.http.get('/api/providers/:name', guard.read, async (http) => {
    const provider = app.providers.get(http.params.name!);
    if (!provider)
      throw new ProxyError('not_found_error', 404, `No provider named "${http.params.name}"`);
    http.body = await withBreaker(providers.entry(provider));
  });
}
