import pg from 'pg';
import { CHANNEL, type Channel, type ChannelOptions } from './channel.ts';

const RECONNECT_MS = 1000;

/**
 * PostgreSQL LISTEN/NOTIFY on one connection of its own, reopened a second after it drops.
 * `NOTIFY` is sent on the same connection (PostgreSQL delivers to every listener, this one too).
 */
export async function postgresChannel({ url, log, on }: ChannelOptions): Promise<Channel> {
  let client: pg.Client | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  const open = async () => {
    const next = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: 3000,
      application_name: 'ccproxy-changes',
    });
    next.on('notification', (message) => on.message(message.payload ?? ''));
    next.on('error', (error) => lost(next, error));
    next.on('end', () => lost(next, new Error('PostgreSQL connection ended')));
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      return lost(next, error);
    }
    if (closed) return void (await next.end());
    client = next;
    on.up();
  };
  const lost = (which: pg.Client, error: unknown) => {
    if (closed || (client !== undefined && client !== which)) return;
    if (client === which) {
      client = undefined;
      on.down(error);
    }
    clearTimeout(timer);
    timer = setTimeout(() => void open(), RECONNECT_MS).unref();
  };

  await open().catch((error: unknown) => log.debug({ err: error }, 'changes: LISTEN failed'));
  return {
    kind: 'postgres',
    get connected() {
      return client !== undefined;
    },
    async publish(text) {
      if (!client) throw new Error('PostgreSQL channel disconnected');
      await client.query('SELECT pg_notify($1, $2)', [CHANNEL, text]);
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await client?.end().catch(() => undefined);
      client = undefined;
    },
  };
}
