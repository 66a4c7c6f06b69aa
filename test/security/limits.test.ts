import assert from 'node:assert/strict';
import { test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { router } from '../../plugins/index.ts';
import { startTestProxy } from '../helpers/proxy.ts';
import { reply } from '../plugins/web-search/fake-model.ts';
import { setup, sideRequest, streamed } from '../plugins/web-search/helpers.ts';
import { fakeProvider } from '../plugins/router/fake-provider.ts';
import { answering, ask, rejection } from '../plugins/router/setup.ts';

test('a web_search tool asking max_uses: 40 gets the config maxUses: 2 at most', async (t) => {
  // The model searches every time it may.
  const searching = reply([{ search: 'again' }], 'tool_use');
  const { proxy, model, backend } = await setup(
    t,
    Array.from({ length: 45 }, () => searching),
    {
      plugin: { maxUses: 2 },
    },
  );
  const { message } = await streamed(proxy.client, sideRequest('q', { max_uses: 40 }));
  assert.equal(backend.requests.length, 2);
  assert.equal(message.usage.server_tool_use?.web_search_requests, 2);
  // Two searches, the refused third, and the answer the model then has to give.
  assert.ok(model.requests.length <= 4, `${model.requests.length} model calls`);
});

test('a tool may lower the config maxUses', async (t) => {
  const searching = reply([{ search: 'again' }], 'tool_use');
  const { proxy, backend } = await setup(
    t,
    Array.from({ length: 10 }, () => searching),
    {
      plugin: { maxUses: 5 },
    },
  );
  await streamed(proxy.client, sideRequest('q', { max_uses: 1 }));
  assert.equal(backend.requests.length, 1);
});

test('with no client keys configured, a fresh random key per request shares its address budget', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
  const a = await answering(t);
  const { url } = await startTestProxy(t, {
    plugins: [
      fakeProvider('a', a.url),
      router({ default: 'a,one', rateLimits: { client: { requestsPerMinute: 2 } } }),
    ],
  });
  const fresh = () =>
    new Anthropic({ baseURL: url, apiKey: `random-${Math.random()}`, maxRetries: 0 });
  await ask(fresh(), 'claude-sonnet-4-6');
  await ask(fresh(), 'claude-sonnet-4-6');
  const e = await rejection(ask(fresh(), 'claude-sonnet-4-6'));
  assert.equal(e.status, 429);
  assert.equal(a.requests.length, 2);
});
