import {
  checkOptions,
  Options,
  Type,
  type Plugin,
  type ProxyApp,
  type Static,
} from '../../core/index.ts';
import type { Channel, ChannelEvents } from './channel.ts';
import { ChangeSync } from './sync.ts';

/** `cluster()` options. */
export const ClusterOptions = Options({
  /** Milliseconds between two reads of the stored change while no channel is connected. Default 1000. */
  pollMs: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type ClusterOptions = Static<typeof ClusterOptions>;

/**
 * Several instances as one (DESIGN §8.8): a tier switch or a runtime provider changed on one
 * instance applies on every instance sharing its storage within about a second, announced over
 * Redis pub/sub (with the top-level `redis`) or PostgreSQL LISTEN/NOTIFY (with `storage:
 * 'postgres://…'`), and found by polling storage while that channel is down. `/health` shows the
 * channel. Does nothing with `storage: false` (nothing is shared).
 * @example cluster()
 */
export function cluster(options: ClusterOptions = {}): Plugin {
  checkOptions('cluster', ClusterOptions, options);
  let sync: ChangeSync | undefined;
  return {
    name: 'cluster',
    // After live() and model-map, whose state it refreshes.
    enforce: 'post',
    async setup(app) {
      const storage = app.service('storage');
      if (!storage || storage.engine === 'memory') return;
      const changes = (sync = new ChangeSync(app, storage.settings));
      const channel = await openChannel(app, {
        message: (text) => changes.receive(text),
        up: () => {
          app.log.info({ channel: changes.channel?.kind }, 'cluster: change channel connected');
          changes.reconnected();
        },
        down: (err) =>
          app.log.warn(
            { err, channel: changes.channel?.kind },
            'cluster: change channel down; polling storage every second until it returns',
          ),
      });
      await changes.start(channel, options.pollMs ?? 1000);
      app.addHealthCheck('cluster', () => ({
        status: channel && !channel.connected ? 'degraded' : 'ok',
        cluster: {
          instance: app.instance,
          channel: channel?.kind ?? 'poll',
          connected: channel?.connected ?? false,
        },
      }));
    },
    async close() {
      sync?.stop();
      await sync?.channel?.close();
    },
  };
}

/** Redis when configured (the faster, and already shared), else PostgreSQL's own channel. */
async function openChannel(app: ProxyApp, on: ChannelEvents): Promise<Channel | undefined> {
  const log = app.log;
  if (app.redis) {
    const { redisChannel } = await import('./redis-channel.ts');
    return redisChannel({ url: app.redis, log, on });
  }
  const storage = app.config.storage;
  if (typeof storage === 'string' && /^postgres(ql)?:\/\//.test(storage)) {
    const { postgresChannel } = await import('./postgres-channel.ts');
    return postgresChannel({ url: storage, log, on });
  }
  return undefined;
}
