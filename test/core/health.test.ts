import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { startProxy } from '../../core/index.ts';
import { router } from '../../plugins/index.ts';
import { startTestProxy } from '../helpers/proxy.ts';
import { fakeProvider } from '../plugins/router/fake-provider.ts';
import { answering, ask, failing, rejection } from '../plugins/router/setup.ts';

const health = async (url: string, query = '') => {
  const res = await fetch(`${url}/health${query}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

test('/health: ok while every breaker is closed, degraded (200) while one is open, unavailable (503) when all are', async (t) => {
  const a = await failing(t, 500);
  const b = await failing(t, 500);
  const { client, url } = await startTestProxy(t, {
    plugins: [
      fakeProvider('a', a.url),
      fakeProvider('b', b.url),
      router({ retry: false, breaker: { failures: 1 } }),
    ],
  });
  assert.deepEqual(await health(url, '?ready'), {
    status: 200,
    body: {
      status: 'ok',
      ready: true,
      store: 'memory',
      providers: {
        a: { breaker: 'closed', failures: 0, lastError: null },
        b: { breaker: 'closed', failures: 0, lastError: null },
      },
    },
  });
  assert.equal((await rejection(ask(client, 'a,x'))).status, 500);
  const one = await health(url);
  assert.equal(one.status, 200);
  assert.equal(one.body.status, 'degraded');
  assert.equal((await rejection(ask(client, 'b,x'))).status, 500);
  const all = await health(url, '?ready');
  assert.equal(all.status, 503);
  assert.equal(all.body.status, 'unavailable');
  assert.equal(all.body.ready, false);
});

test('/health?ready answers 503 while the server drains for shutdown, then the port closes', async (t) => {
  const a = await answering(t);
  const running = await startProxy(
    {
      file: 'test.config.ts',
      server: { host: '127.0.0.1', port: 0, allowOpen: false },
      plugins: [fakeProvider('a', a.url), router({})],
      logLevel: 'silent',
    },
    { env: {}, logger: pino({ level: 'silent' }), drainMs: 60_000 },
  );
  t.after(() => running.close());
  assert.equal((await health(running.url, '?ready')).status, 200);
  const closing = running.close();
  const draining = await health(running.url, '?ready');
  assert.equal(draining.status, 503);
  assert.deepEqual([draining.body.status, draining.body.ready], ['unavailable', false]);
  // Plain /health still says the server can serve: requests in the drain window are answered.
  assert.equal((await health(running.url)).status, 200);
  void closing;
});
