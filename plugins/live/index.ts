import type { Plugin, ProxyApp } from '../../core/index.ts';
import { eventRoutes } from '../admin/events.ts';
import { adminGuard } from '../admin/guard.ts';
import { switchRoutes } from '../admin/switch.ts';
import { configRoutes, maskUrl, type ConfigSummary } from '../admin/config.ts';
import { discoveryRoutes } from '../admin/discovery.ts';
import { providerRoutes } from '../admin/providers.ts';
import { RuntimeProviders } from './providers.ts';

/**
 * Live control (DESIGN §8.3–8.4): the admin routes that switch tiers, stream events, manage,
 * test and discover providers and reload the config, behind the admin guard. Runs after the config's own
 * plugins (`post`), so that their providers are registered and storage is provided.
 * @example live()
 */
export function live(): Plugin {
  return {
    name: 'live',
    enforce: 'post',
    async setup(app) {
      const guard = adminGuard(app);
      const providers = new RuntimeProviders(app);
      app.provide('runtime-providers', providers);
      await providers
        .load()
        .catch((error: unknown) =>
          app.log.warn(
            { err: error },
            'live: stored providers unreadable; serving the config ones',
          ),
        );
      switchRoutes(app, guard);
      eventRoutes(app, guard);
      providerRoutes(app, guard, providers);
      discoveryRoutes(app, guard);
      configRoutes(app, guard, () => summary(app, providers));
    },
  };
}

function summary(app: ProxyApp, providers: RuntimeProviders): ConfigSummary {
  const { file, server, logLevel, redis } = app.config;
  return {
    file,
    server,
    logLevel,
    redis: redis ? maskUrl(redis) : null,
    plugins: app.plugins.map((plugin) => plugin.name),
    providers: providers.list().map(({ name, source, models }) => ({ name, source, models })),
  };
}
