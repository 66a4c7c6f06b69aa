import assert from 'node:assert/strict';
import { test } from 'node:test';
import { request } from 'undici';
import { ProxyError, readSse, type ProxyEvent } from '../../../core/index.ts';
import type { ResolvedConfig } from '../../../core/config/load.ts';
import { live, modelMap, router } from '../../../plugins/index.ts';
import { fakeProvider, textStream } from '../../helpers/events.ts';
import { startTestProxy, user } from '../../helpers/proxy.ts';
import { MemoryStorage } from '../../../plugins/storage/memory.ts';
import { api, storagePlugin } from './helpers.ts';

/** Subscribes to `/api/events`; `next(type)` resolves with the next event of that type. */
async function subscribe(url: string, query = '') {
  const res = await request(`${url}/api/events${query}`);
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/event-stream/);
  const messages = readSse(res.body);
  return {
    async next(type: string): Promise<ProxyEvent> {
      for (let r = await messages.next(); !r.done; r = await messages.next()) {
        if (r.value.event === type) return JSON.parse(r.value.data) as ProxyEvent;
      }
      throw new Error(`the event stream ended before a "${type}" event`);
    },
    /** Resolves when the server ends the stream. */
    async ended(): Promise<void> {
      while (!(await messages.next()).done);
    },
    close: () => res.body.destroy(),
  };
}

test('/api/events streams switches, reloads and breaker changes as they happen', async (t) => {
  const failing = fakeProvider('down', () => {
    throw new ProxyError('api_error', 500, 'upstream broke');
  });
  const up = fakeProvider('up', () => textStream('ok'));
  const storage = new MemoryStorage();
  // What loading the config file makes: new plugin instances each time.
  const plugins = () => [
    storagePlugin(storage),
    up.plugin,
    failing.plugin,
    modelMap({ big: 'up,one' }),
    router({ breaker: { failures: 1 } }),
    live(),
  ];
  const config = (): ResolvedConfig => ({
    file: 'test.config.ts',
    server: { host: '127.0.0.1', port: 0, allowOpen: false },
    plugins: plugins(),
    logLevel: 'debug',
  });
  const { url, client, running } = await startTestProxy(t, {
    plugins: plugins(),
    loadConfig: () => Promise.resolve(config()),
  });
  const events = await subscribe(url);
  t.after(events.close);

  await api(url, 'PUT', '/api/switch', { big: 'up,two', session: 's1' });
  const switched = await events.next('switch');
  assert.deepEqual(switched.data, { session: 's1', big: 'up,two' });
  assert.match(switched.at, /^\d{4}-\d\d-\d\dT/);

  await assert.rejects(
    client.messages.create({ model: 'down,x', max_tokens: 8, messages: [user('hi')] }),
  );
  assert.deepEqual((await events.next('breaker')).data, {
    provider: 'down',
    from: 'closed',
    to: 'open',
  });

  const reloaded = running.reload();
  const event = await events.next('reload');
  assert.deepEqual(event.data, await reloaded);
  assert.equal((event.data as { ok: boolean }).ok, true);
  // The stream belonged to the replaced runtime: it ends, and a client reconnects to the new one.
  await events.ended();
  const again = await subscribe(url, '?types=switch');
  t.after(again.close);
  await api(url, 'PUT', '/api/switch', { small: 'up,three' });
  assert.deepEqual((await again.next('switch')).data, { session: null, small: 'up,three' });
});
