import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Plugin } from '../../../core/index.ts';
import { modelMap, router } from '../../../plugins/index.ts';
import { startTestProxy } from '../../helpers/proxy.ts';
import { fakeProvider } from './fake-provider.ts';
import { answering, ask, requestLines } from './setup.ts';

const longText = 'The quick brown fox jumps over the lazy dog. '.repeat(800); // ~8,000 tokens

const rules = {
  routes: { 'claude-special': 'b,special' },
  longContext: { model: 'b,long', threshold: 5_000 },
  background: 'b,background',
  thinking: 'b,thinker',
  webSearch: 'b,searcher',
  images: 'b,vision',
  default: 'b,default',
};
/** Providers `a` and `b`, each at its own answering upstream, before `extra` plugins. */
async function twoProviders(t: TestContext, ...extra: Plugin[]) {
  const a = await answering(t);
  const b = await answering(t);
  const proxy = await startTestProxy(t, {
    plugins: [fakeProvider('a', a.url), fakeProvider('b', b.url), ...extra],
  });
  return { a, b, ...proxy };
}

const image = {
  type: 'image',
  source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' },
};

for (const c of [
  { rule: 'model', model: 'claude-special', extra: {}, target: 'b,special' },
  {
    rule: 'longContext',
    model: 'claude-sonnet-4-6',
    extra: { system: longText },
    target: 'b,long',
  },
  { rule: 'background', model: 'claude-haiku-4-5', extra: {}, target: 'b,background' },
  {
    rule: 'thinking',
    model: 'claude-sonnet-4-6',
    extra: { max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 } },
    target: 'b,thinker',
  },
  {
    rule: 'webSearch',
    model: 'claude-sonnet-4-6',
    extra: { tools: [{ type: 'web_search_20250305', name: 'web_search' }] },
    target: 'b,searcher',
  },
  {
    rule: 'images',
    model: 'claude-sonnet-4-6',
    extra: { messages: [{ role: 'user', content: [image, { type: 'text', text: 'what?' }] }] },
    target: 'b,vision',
  },
  { rule: 'default', model: 'claude-sonnet-4-6', extra: {}, target: 'b,default' },
]) {
  test(`the ${c.rule} rule sends the request to ${c.target} and names itself in the log`, async (t) => {
    const { a, b, client, logs } = await twoProviders(
      t,
      modelMap({ big: 'a,big', small: 'a,small' }),
      router(rules),
    );
    const { response } = await ask(client, c.model, c.extra).withResponse();
    assert.equal(b.requests[0]?.body.model, c.target.slice(2));
    assert.equal(a.requests.length, 0);
    assert.equal(response.headers.get('x-ccproxy-target'), c.target);
    assert.equal(requestLines(logs)[0]?.route, c.rule);
  });
}

test('an explicit provider,model wins over every rule', async (t) => {
  const { a, client, logs } = await twoProviders(t, router({ ...rules, custom: () => 'b,custom' }));
  await ask(client, 'a,chosen', { system: longText });
  assert.equal(a.requests[0]?.body.model, 'chosen');
  assert.equal(requestLines(logs)[0]?.route, 'explicit');
});

test('a custom function decides before the rules, sync or async, and passes by returning nothing', async (t) => {
  const { a, b, client, logs } = await twoProviders(
    t,
    router({
      ...rules,
      custom: async (request) =>
        JSON.stringify(request.messages).includes('urgent') ? 'a,fast' : undefined,
    }),
  );
  await ask(client, 'claude-haiku-4-5', {
    messages: [{ role: 'user', content: 'urgent: fix it' }],
  });
  await ask(client, 'claude-haiku-4-5');
  assert.equal(a.requests[0]?.body.model, 'fast');
  assert.equal(b.requests[0]?.body.model, 'background');
  assert.deepEqual(
    requestLines(logs).map((line) => line.route),
    ['custom', 'background'],
  );
});

test('route parameters fill only the fields the client did not send', async (t) => {
  const a = await answering(t);
  const { client } = await startTestProxy(t, {
    plugins: [
      fakeProvider('a', a.url),
      router({ default: { model: 'a,m', params: { temperature: 0.2, top_p: 0.9 } } }),
    ],
  });
  await ask(client, 'claude-sonnet-4-6', { temperature: 1 });
  assert.equal(a.requests[0]?.body.temperature, 1);
  assert.equal(a.requests[0]?.body.top_p, 0.9);
});

test('without a matching rule the target model-map chose stands', async (t) => {
  const a = await answering(t);
  const { client, logs } = await startTestProxy(t, {
    plugins: [
      fakeProvider('a', a.url),
      modelMap({ big: 'a,big' }),
      router({ thinking: 'a,thinker' }),
    ],
  });
  await ask(client, 'claude-opus-4-1');
  assert.equal(a.requests[0]?.body.model, 'big');
  assert.equal(requestLines(logs)[0]?.route, 'tier:big');
});

test('POST /api/route/explain names the rule, the target, the fallbacks and why the others did not match', async (t) => {
  const { a, b, url } = await twoProviders(
    t,
    router({ ...rules, thinking: { model: 'b,thinker', fallbacks: ['a,backup'] } }),
  );
  const body = {
    model: 'claude-sonnet-4-6',
    max_tokens: 2048,
    thinking: { type: 'enabled', budget_tokens: 1024 },
    messages: [{ role: 'user', content: 'hi' }],
  };
  const response = await fetch(`${url}/api/route/explain`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const explained = (await response.json()) as {
    rule: string;
    target: string;
    fallbacks: string[];
    rules: { rule: string; matched: boolean; reason: string }[];
  };
  assert.equal(explained.rule, 'thinking');
  assert.equal(explained.target, 'b,thinker');
  assert.deepEqual(explained.fallbacks, ['a,backup']);
  const why = Object.fromEntries(explained.rules.map((r) => [r.rule, r]));
  assert.match(why.longContext!.reason, /< 5000/);
  assert.match(why.background!.reason, /not haiku-class/);
  assert.equal(why.default!.matched, true); // later rules are judged too, for the explanation
  assert.equal(a.requests.length + b.requests.length, 0);
});
