import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auth, router } from '../../../plugins/index.ts';
import { charge, take } from '../../../plugins/router/rate-limit.ts';
import { startTestProxy } from '../../helpers/proxy.ts';
import { fakeProvider } from './fake-provider.ts';
import { answering, ask, rejection, textOf, withOne } from './setup.ts';
import Anthropic from '@anthropic-ai/sdk';

test('a client over its requests per minute gets 429 rate_limit_error with retry-after; other keys keep theirs', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
  const a = await answering(t);
  // Budgets are per verified key: auth knows both.
  const { client, url } = await startTestProxy(t, {
    plugins: [
      auth({ keys: ['test-key', 'another-key'] }),
      fakeProvider('a', a.url),
      router({ default: 'a,one', rateLimits: { client: { requestsPerMinute: 2 } } }),
    ],
  });
  await ask(client, 'claude-sonnet-4-6');
  await ask(client, 'claude-sonnet-4-6');
  const e = await rejection(ask(client, 'claude-sonnet-4-6'));
  assert.equal(e.status, 429);
  assert.equal(e.type, 'rate_limit_error');
  assert.equal(e.headers.get('retry-after'), '30');
  assert.equal(a.requests.length, 2);
  const other = new Anthropic({ baseURL: url, apiKey: 'another-key', maxRetries: 0 });
  await ask(other, 'claude-sonnet-4-6');
  t.mock.timers.tick(30_000);
  await ask(client, 'claude-sonnet-4-6');
  assert.equal(a.requests.length, 4);
});

test('tokens per minute: a prompt over the whole budget passes on a full bucket, the next one waits', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
  const a = await answering(t);
  const { client } = await withOne(t, a, { rateLimits: { client: { tokensPerMinute: 1000 } } });
  const prompt = { messages: [{ role: 'user', content: 'word '.repeat(1400) }] }; // ~2,000 estimated tokens > budget: passes when full
  await ask(client, 'claude-sonnet-4-6', prompt);
  const e = await rejection(ask(client, 'claude-sonnet-4-6', prompt));
  assert.equal(e.status, 429);
  assert.equal(e.headers.get('retry-after'), '60', 'E14: never more than 60');
});

test('a provider over its budget is skipped for its fallback, and refused with 429 when it has none', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
  const a = await answering(t, 'a');
  const b = await answering(t, 'b');
  const { client } = await startTestProxy(t, {
    plugins: [
      fakeProvider('a', a.url),
      fakeProvider('b', b.url),
      router({
        routes: { 'only-a': 'a,solo' },
        default: { model: 'a,one', fallbacks: ['b,two'] },
        rateLimits: { providers: { a: { requestsPerMinute: 1 } } },
      }),
    ],
  });
  assert.equal(textOf(await ask(client, 'claude-sonnet-4-6')), 'a');
  assert.equal(textOf(await ask(client, 'claude-sonnet-4-6')), 'b');
  const e = await rejection(ask(client, 'only-a'));
  assert.equal(e.status, 429);
  assert.equal(e.headers.get('retry-after'), '60');
});

test('a bucket refills linearly and grants nothing partially', () => {
  const limit = { requestsPerMinute: 60, tokensPerMinute: 600 };
  let [state, wait] = take(limit, undefined, 0, 500);
  assert.equal(wait, 0);
  [state, wait] = take(limit, state, 0, 500);
  assert.equal(wait, 40_000, '400 tokens short at 10 per second');
  assert.equal(state.tokens, 100, 'a refused request takes nothing');
  [, wait] = take(limit, state, 40_000, 500);
  assert.equal(wait, 0);
});

test('output charged after the answer is a debt the next request waits for', () => {
  const limit = { tokensPerMinute: 600 };
  let [state] = take(limit, undefined, 0, 100);
  [state] = charge(limit, state, 0, 700);
  assert.equal(state.tokens, -200);
  assert.equal(take(limit, state, 0, 100)[1], 30_000);
});
