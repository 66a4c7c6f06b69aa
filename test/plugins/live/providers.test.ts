import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProxyError } from '../../../core/index.ts';
import { router } from '../../../plugins/index.ts';
import { MemoryStorage } from '../../../plugins/storage/memory.ts';
import { fakeProvider } from '../../helpers/events.ts';
import { user } from '../../helpers/proxy.ts';
import { replyJson, scriptedUpstream } from '../../helpers/upstream.ts';
import { api, liveProxy } from './helpers.ts';

const KEY = 'sk-live-test-0123456789abcdef';

async function openaiUpstream(t: Parameters<typeof scriptedUpstream>[0]) {
  return scriptedUpstream(t, (req, res) =>
    replyJson(res, 200, {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: req.body.model,
      choices: [
        { index: 0, message: { role: 'assistant', content: 'from extra' }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 3, completion_tokens: 2 },
    }),
  );
}

/** `api` keeping every answer's text, to check afterwards that none showed a secret. */
function recordedApi() {
  const answers: string[] = [];
  const call = async (...args: Parameters<typeof api>) => {
    const answer = await api(...args);
    answers.push(answer.text);
    return answer;
  };
  return { call, answers };
}

test('runtime providers: added, used, edited and removed through the API; the key is shown masked and sent upstream', async (t) => {
  const upstream = await openaiUpstream(t);
  const storage = new MemoryStorage();
  const { url, client } = await liveProxy(t, { storage });
  const { call, answers } = recordedApi();

  const added = await call(url, 'POST', '/api/providers', {
    kind: 'openai',
    name: 'extra',
    baseUrl: `${upstream.url}/v1`,
    apiKey: KEY,
    models: ['m1'],
  });
  assert.equal(added.status, 201);
  assert.deepEqual(added.json, {
    name: 'extra',
    source: 'runtime',
    kind: 'openai',
    baseUrl: `${upstream.url}/v1`,
    apiKey: 'sk-…cdef',
    models: ['m1'],
    headers: {},
    body: null,
    breaker: 'off',
  });

  const reply = await client.messages.create({
    model: 'extra,m1',
    max_tokens: 8,
    messages: [user('hi')],
  });
  assert.deepEqual(reply.content, [{ type: 'text', text: 'from extra' }]);
  assert.equal(upstream.requests[0]?.headers.authorization, `Bearer ${KEY}`);

  const listed = await call(url, 'GET', '/api/providers');
  assert.deepEqual(
    listed.json.providers.map((p: { name: string; source: string }) => [p.name, p.source]),
    [
      ['a', 'config'],
      ['b', 'config'],
      ['extra', 'runtime'],
    ],
  );

  assert.equal((await call(url, 'PUT', '/api/switch', { big: 'extra,m1' })).status, 200);
  const refused = await call(url, 'DELETE', '/api/providers/extra');
  assert.equal(refused.status, 400);
  assert.match(refused.json.error.message, /switched target of big/);

  const edited = await call(url, 'PUT', '/api/providers/extra', {
    kind: 'openai',
    baseUrl: `${upstream.url}/v1`,
    apiKey: KEY,
    models: ['m1', 'm2'],
  });
  assert.deepEqual(edited.json.models, ['m1', 'm2']);
  const models = await call(url, 'GET', '/v1/models?limit=1000');
  assert.ok(models.json.data.some((m: { id: string }) => m.id === 'extra,m2'));
  await call(url, 'GET', '/api/providers/extra');
  await call(url, 'GET', '/api/config');

  // Persisted: another instance on the same storage serves it.
  const second = await liveProxy(t, { storage });
  const there = await call(second.url, 'GET', '/api/providers/extra');
  assert.equal(there.json.apiKey, 'sk-…cdef');

  await call(url, 'PUT', '/api/switch', { big: null });
  assert.equal((await call(url, 'DELETE', '/api/providers/extra')).status, 204);
  await assert.rejects(
    client.messages.create({ model: 'extra,m1', max_tokens: 8, messages: [user('hi')] }),
    /Unknown provider .{0,2}extra/,
  );
  for (const text of answers)
    assert.ok(!text.includes(KEY), `a route answered the full key: ${text}`);
});

for (const c of [
  {
    body: { kind: 'grpc', name: 'x' },
    status: 400,
    error: /kind: expected one of openai, anthropic, gemini, openai-responses, ollama/,
  },
  {
    body: { kind: 'openai', name: 'x', baseUrl: 'ftp://x' },
    status: 400,
    error: /options\.baseUrl: expected a string matching/,
  },
  {
    body: { kind: 'openai', name: 'x', models: 'gpt' },
    status: 400,
    error: /options\.models: expected an array/,
  },
  {
    body: { kind: 'openai', name: 'x', body: 'temperature=0' },
    status: 400,
    error: /^body: expected an object/,
  },
  {
    body: { kind: 'openai', name: 'x', headers: { 'x-title': 7 } },
    status: 400,
    error: /options\.headers\.x-title: expected a string/,
  },
  {
    body: { kind: 'openai', name: 'x', vendr: 'groq' },
    status: 400,
    error: /unknown option "vendr"; did you mean "vendor"/,
  },
  { body: { kind: 'openai' }, status: 400, error: /name: expected the provider name/ },
  { body: { kind: 'openai', name: 'a' }, status: 400, error: /name: a provider named "a" exists/ },
]) {
  test(`POST /api/providers ${JSON.stringify(c.body)} → ${c.status}, nothing added`, async (t) => {
    const { url } = await liveProxy(t);
    const answer = await api(url, 'POST', '/api/providers', c.body);
    assert.equal(answer.status, c.status);
    assert.match(answer.json.error.message, c.error);
    const names = (await api(url, 'GET', '/api/providers')).json.providers.map(
      (p: { name: string }) => p.name,
    );
    assert.deepEqual(names, ['a', 'b']);
  });
}

test('config providers are read-only through the API', async (t) => {
  const { url } = await liveProxy(t);
  const edit = await api(url, 'PUT', '/api/providers/a', { kind: 'openai' });
  assert.equal(edit.status, 403);
  assert.match(edit.json.error.message, /comes from the config file/);
  assert.equal((await api(url, 'DELETE', '/api/providers/a')).status, 403);
  assert.equal((await api(url, 'DELETE', '/api/providers/zzz')).status, 404);
});

test('runtime providers: an edit without apiKey or headers keeps the stored ones (no route shows them to send back)', async (t) => {
  const upstream = await openaiUpstream(t);
  const { url, client } = await liveProxy(t);
  const provider = { kind: 'openai', baseUrl: `${upstream.url}/v1`, models: ['m1'] };
  await api(url, 'POST', '/api/providers', {
    ...provider,
    name: 'extra',
    apiKey: KEY,
    headers: { 'x-team': 'blue' },
  });
  const edited = await api(url, 'PUT', '/api/providers/extra', { ...provider, models: ['m2'] });
  assert.equal(edited.status, 200, edited.text);
  assert.equal(edited.json.apiKey, 'sk-…cdef');
  await client.messages.create({ model: 'extra,m2', max_tokens: 8, messages: [user('hi')] });
  assert.equal(upstream.requests[0]?.headers.authorization, `Bearer ${KEY}`);
  assert.equal(upstream.requests[0]?.headers['x-team'], 'blue');
});

test('runtime providers: headers are shown with credential values masked and a body override is applied; an edit sending them back as shown keeps the secrets', async (t) => {
  const upstream = await openaiUpstream(t);
  const { url, client } = await liveProxy(t);
  const secret = 'team-token-0123456789abcdef';
  const { call, answers } = recordedApi();
  const added = await call(url, 'POST', '/api/providers', {
    kind: 'openai',
    name: 'routed',
    baseUrl: `${upstream.url}/v1`,
    models: ['m1'],
    headers: {
      'HTTP-Referer': 'https://example.com/app',
      'X-Title': 'ccproxy',
      'x-team-auth': secret,
    },
    body: { temperature: 0, max_tokens: 8192 },
  });
  assert.equal(added.status, 201, added.text);
  const shown = {
    'HTTP-Referer': 'https://example.com/app',
    'X-Title': 'ccproxy',
    'x-team-auth': 'tea…cdef',
  };
  assert.deepEqual(added.json.headers, shown);
  assert.deepEqual(added.json.body, { temperature: 0, max_tokens: 8192 });

  await client.messages.create({ model: 'routed,m1', max_tokens: 4000, messages: [user('hi')] });
  const sent = upstream.requests[0]!;
  assert.equal(sent.headers['http-referer'], 'https://example.com/app');
  assert.equal(sent.headers['x-title'], 'ccproxy');
  assert.equal(sent.headers['x-team-auth'], secret);
  assert.equal(sent.body.temperature, 0);
  assert.equal(sent.body.max_tokens, 8192);

  // The editor sends back what it was shown, with one header changed and the body replaced.
  const listed = (await call(url, 'GET', '/api/providers/routed')).json;
  const edited = await call(url, 'PUT', '/api/providers/routed', {
    kind: 'openai',
    baseUrl: listed.baseUrl,
    models: listed.models,
    headers: { ...listed.headers, 'X-Title': 'my app' },
    body: { thinking: null, tools: null },
  });
  assert.equal(edited.status, 200, edited.text);
  assert.deepEqual(edited.json.headers, { ...shown, 'X-Title': 'my app' });
  await client.messages.create({
    model: 'routed,m1',
    max_tokens: 64,
    messages: [user('hi')],
    tools: [{ name: 'Read', input_schema: { type: 'object' } }],
  });
  const again = upstream.requests[1]!;
  assert.equal(again.headers['x-team-auth'], secret);
  assert.equal(again.headers['x-title'], 'my app');
  assert.equal(again.body.temperature, undefined, 'the old body override is gone');
  assert.equal(again.body.max_tokens, 64);
  assert.equal(again.body.tools, undefined, 'tools: null removed them');

  // A body of {} removes the override.
  const cleared = await call(url, 'PUT', '/api/providers/routed', { kind: 'openai', body: {} });
  assert.equal(cleared.json.body, null);
  for (const text of answers)
    assert.ok(!text.includes(secret), `a route answered the header's secret: ${text}`);
});

test('runtime providers: an ollama provider added through the API answers through /api/chat', async (t) => {
  const upstream = await scriptedUpstream(t, (req, res) =>
    replyJson(res, 200, {
      model: req.body.model,
      message: { role: 'assistant', content: 'from ollama' },
      done_reason: 'stop',
      done: true,
      prompt_eval_count: 26,
      eval_count: 3,
    }),
  );
  const { url, client } = await liveProxy(t, { storage: new MemoryStorage() });
  const added = await api(url, 'POST', '/api/providers', {
    kind: 'ollama',
    name: 'local',
    baseUrl: upstream.url,
    models: ['qwen3:8b'],
  });
  assert.equal(added.status, 201, added.text);
  assert.equal(added.json.kind, 'ollama');
  const reply = await client.messages.create({
    model: 'local,qwen3:8b',
    max_tokens: 8,
    messages: [user('hi')],
  });
  assert.deepEqual(reply.content, [{ type: 'text', text: 'from ollama' }]);
  assert.equal(upstream.requests[0]?.url, '/api/chat');
  assert.equal(upstream.requests[0]?.body.model, 'qwen3:8b');
});

test('runtime providers: the body override applies when the router falls back to the provider too', async (t) => {
  const upstream = await openaiUpstream(t);
  // Stored first: a router's fallbacks name providers that exist when the config starts.
  const storage = new MemoryStorage();
  const first = await liveProxy(t, { storage });
  const added = await api(first.url, 'POST', '/api/providers', {
    kind: 'openai',
    name: 'routed',
    baseUrl: `${upstream.url}/v1`,
    models: ['m1'],
    headers: { 'x-title': 'ccproxy' },
    body: { temperature: 0 },
  });
  assert.equal(added.status, 201, added.text);
  // eslint-disable-next-line require-yield -- fails before its first event
  const down = fakeProvider('down', async function* () {
    throw new ProxyError('api_error', 503, 'down for maintenance');
  });
  const { client } = await liveProxy(t, {
    storage,
    extra: [down.plugin, router({ fallbacks: { down: ['routed,m1'] }, retry: false })],
  });
  const reply = await client.messages.create({
    model: 'down,x',
    max_tokens: 8,
    messages: [user('hi')],
  });
  assert.deepEqual(reply.content, [{ type: 'text', text: 'from extra' }]);
  assert.equal(down.calls.length, 1);
  assert.equal(upstream.requests[0]?.body.temperature, 0);
  assert.equal(upstream.requests[0]?.headers['x-title'], 'ccproxy');
});
