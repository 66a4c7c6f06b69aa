import { connectRedis } from '../shared/state/redis.ts';
import { CHANNEL, type Channel, type ChannelOptions } from './channel.ts';

/**
 * Redis pub/sub: a subscriber connection of its own (a subscribed connection can do nothing
 * else), which ioredis reconnects and resubscribes; publishing goes through the shared client.
 */
export async function redisChannel({ url, on }: ChannelOptions): Promise<Channel> {
  const { Redis } = await import('ioredis');
  const publisher = await connectRedis(url);
  const subscriber = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
  let connected = false;
  subscriber.on('message', (_channel: string, text: string) => on.message(text));
  subscriber.on('ready', () => {
    // On every (re)connection: subscribing twice is harmless, and 'up' follows the subscription.
    void subscriber.subscribe(CHANNEL).then(
      () => {
        connected = true;
        on.up();
      },
      (error: unknown) => on.down(error),
    );
  });
  subscriber.on('close', () => {
    if (!connected) return;
    connected = false;
    on.down(new Error('Redis connection closed'));
  });
  subscriber.on('error', () => {}); // 'close' reports the loss; ioredis keeps reconnecting
  // Unreachable at start is not fatal: the client keeps trying, and the owner polls meanwhile.
  await subscriber.connect().catch((error: unknown) => on.down(error));
  return {
    kind: 'redis',
    get connected() {
      return connected;
    },
    async publish(text) {
      await publisher.client.publish(CHANNEL, text);
    },
    async close() {
      subscriber.disconnect();
      await publisher.release();
    },
  };
}
