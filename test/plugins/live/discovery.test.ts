import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import type { PluginOption } from '../../../core/index.ts';
import {
  anthropic,
  cockpit,
  gemini,
  live,
  modelMap,
  ollama,
  openai,
  openaiResponses,
} from '../../../plugins/index.ts';
import { startTestProxy, user } from '../../helpers/proxy.ts';
import {
  chatCompletion,
  replyJson,
  scriptedUpstream,
  type UpstreamHandler,
} from '../../helpers/upstream.ts';
import { api, storagePlugin } from './helpers.ts';

const KEY = 'sk-discovery-test-0123456789';

const chatReply: UpstreamHandler = (req, res) =>
  replyJson(res, 200, chatCompletion(req.body.model, 'OK', 'length'));

/** An OpenAI-compatible upstream: `/models` lists `model-a` and `model-b`, chats answer "OK". */
const openaiLike: UpstreamHandler = (req, res, http) =>
  req.url.endsWith('/models')
    ? replyJson(res, 200, {
        object: 'list',
        data: [
          { id: 'model-a', object: 'model', owned_by: 'me' },
          { id: 'model-b', object: 'model', name: 'Model B' },
        ],
      })
    : chatReply(req, res, http);

async function proxyWith(t: TestContext, plugins: PluginOption[]) {
  return startTestProxy(t, { plugins: [storagePlugin(), ...plugins, live()] });
}

for (const c of [
  {
    kind: 'openai (Chat Completions)',
    handler: openaiLike,
    provider: (url: string) => openai({ name: 'p', baseUrl: `${url}/v1`, apiKey: KEY }),
    path: '/v1/models',
    credential: ['authorization', `Bearer ${KEY}`],
    models: [{ id: 'model-a' }, { id: 'model-b', display_name: 'Model B' }],
  },
  {
    kind: 'openai-responses',
    handler: openaiLike,
    provider: (url: string) => openaiResponses({ name: 'p', baseUrl: `${url}/v1`, apiKey: KEY }),
    path: '/v1/models',
    credential: ['authorization', `Bearer ${KEY}`],
    models: [{ id: 'model-a' }, { id: 'model-b', display_name: 'Model B' }],
  },
  {
    kind: 'anthropic',
    handler: ((_req, res) =>
      replyJson(res, 200, {
        data: [
          { type: 'model', id: 'claude-sonnet-4-5', display_name: 'Claude Sonnet 4.5' },
          { type: 'model', id: 'claude-haiku-4-5', display_name: 'Claude Haiku 4.5' },
        ],
        has_more: false,
      })) as UpstreamHandler,
    // Configured models: its start-up listing stays out of the way of what the test counts.
    provider: (url: string) =>
      anthropic({ name: 'p', baseUrl: url, apiKey: KEY, models: ['claude-sonnet-4-5'] }),
    path: '/v1/models?limit=1000',
    credential: ['x-api-key', KEY],
    models: [
      { id: 'claude-sonnet-4-5', display_name: 'Claude Sonnet 4.5' },
      { id: 'claude-haiku-4-5', display_name: 'Claude Haiku 4.5' },
    ],
  },
  {
    kind: 'gemini',
    handler: ((_req, res) =>
      replyJson(res, 200, {
        models: [
          {
            name: 'models/gemini-2.5-pro',
            displayName: 'Gemini 2.5 Pro',
            supportedGenerationMethods: ['generateContent', 'countTokens'],
          },
          {
            name: 'models/text-embedding-004',
            displayName: 'Text Embedding 004',
            supportedGenerationMethods: ['embedContent'],
          },
        ],
      })) as UpstreamHandler,
    provider: (url: string) => gemini({ name: 'p', baseUrl: url, apiKey: KEY }),
    path: '/v1beta/models?pageSize=1000',
    credential: ['x-goog-api-key', KEY],
    // The embedding model cannot answer a chat: left out.
    models: [{ id: 'gemini-2.5-pro', display_name: 'Gemini 2.5 Pro' }],
  },
  {
    kind: 'ollama',
    handler: ((_req, res) =>
      replyJson(
        res,
        200,
        JSON.parse(
          readFileSync(new URL('../../fixtures/ollama/tags.json', import.meta.url), 'utf8'),
        ),
      )) as UpstreamHandler,
    provider: (url: string) => ollama({ name: 'p', baseUrl: url, apiKey: KEY }),
    path: '/api/tags',
    credential: ['authorization', `Bearer ${KEY}`],
    models: [{ id: 'codellama:13b' }, { id: 'llama3:latest' }],
  },
]) {
  test(`discovery: ${c.kind}: the provider's own model list, asked with its key`, async (t) => {
    const upstream = await scriptedUpstream(t, c.handler);
    const { url } = await proxyWith(t, [c.provider(upstream.url)]);
    const answer = await api(url, 'GET', '/api/providers/p/models');
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(answer.json.models, c.models);
    assert.equal(answer.json.provider, 'p');
    assert.equal(answer.json.cached, false);
    const asked = upstream.requests.at(-1)!;
    assert.equal(asked.method, 'GET');
    assert.equal(asked.url, c.path);
    assert.equal(asked.headers[c.credential[0]!], c.credential[1]);
  });
}

test('discovery: a second look is served from memory; ?refresh=1 asks the upstream again', async (t) => {
  const upstream = await scriptedUpstream(t, openaiLike);
  const { url } = await proxyWith(t, [openai({ name: 'p', baseUrl: `${upstream.url}/v1` })]);
  const first = await api(url, 'GET', '/api/providers/p/models');
  const second = await api(url, 'GET', '/api/providers/p/models');
  assert.equal(second.json.cached, true);
  assert.deepEqual(second.json.models, first.json.models);
  assert.equal(upstream.requests.length, 1);
  const refreshed = await api(url, 'GET', '/api/providers/p/models?refresh=1');
  assert.equal(refreshed.json.cached, false);
  assert.equal(upstream.requests.length, 2);
});

test('discovery: an upstream refusal is a 502 naming the provider and the upstream words, the key redacted', async (t) => {
  const upstream = await scriptedUpstream(t, (_req, res) =>
    replyJson(res, 401, {
      error: { message: `Incorrect API key provided: ${KEY}`, type: 'invalid_request_error' },
    }),
  );
  const { url } = await proxyWith(t, [
    openai({ name: 'p', baseUrl: `${upstream.url}/v1`, apiKey: KEY }),
  ]);
  const answer = await api(url, 'GET', '/api/providers/p/models');
  // Not the upstream's 401: the UI would take it for its own session having ended.
  assert.equal(answer.status, 502);
  assert.equal(answer.json.type, 'error');
  assert.equal(answer.json.error.type, 'api_error');
  assert.match(
    answer.json.error.message,
    /provider "p" did not list its models: .*Incorrect API key/,
  );
  assert.ok(!answer.text.includes(KEY), answer.text);
});

test('discovery: an unknown provider is a 404; one that cannot list says to set its models', async (t) => {
  const { url } = await proxyWith(t, [
    openai({ name: 'azure', baseUrl: 'https://x.openai.azure.com', apiKey: KEY, models: ['d'] }),
  ]);
  const unknown = await api(url, 'GET', '/api/providers/nope/models');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error.type, 'not_found_error');
  const azure = await api(url, 'GET', '/api/providers/azure/models');
  assert.equal(azure.status, 400);
  assert.match(azure.json.error.message, /cannot list its models; set them in its `models` option/);
});

test('provider test: a one-token call to the first configured model reports its latency', async (t) => {
  const upstream = await scriptedUpstream(t, chatReply);
  const { url } = await proxyWith(t, [
    openai({ name: 'p', baseUrl: `${upstream.url}/v1`, apiKey: KEY, models: ['model-a'] }),
  ]);
  const answer = await api(url, 'POST', '/api/providers/p/test', {});
  assert.equal(answer.status, 200, answer.text);
  assert.equal(answer.json.ok, true);
  assert.equal(answer.json.model, 'model-a');
  assert.equal(answer.json.error, null);
  assert.equal(typeof answer.json.latency_ms, 'number');
  const sent = upstream.requests[0]!;
  assert.equal(sent.url, '/v1/chat/completions');
  assert.equal(sent.body.model, 'model-a');
  assert.equal(sent.body.max_completion_tokens ?? sent.body.max_tokens, 1);
  assert.equal(sent.headers.authorization, `Bearer ${KEY}`);
});

test('provider test: a failing provider reports ok false and the upstream error, key redacted; a model can be named', async (t) => {
  const upstream = await scriptedUpstream(t, (_req, res) =>
    replyJson(res, 404, {
      error: { message: `model not found (key ${KEY})`, type: 'invalid_request_error' },
    }),
  );
  const { url } = await proxyWith(t, [
    openai({ name: 'p', baseUrl: `${upstream.url}/v1`, apiKey: KEY, models: ['model-a'] }),
  ]);
  const answer = await api(url, 'POST', '/api/providers/p/test', { model: 'nope-model' });
  assert.equal(answer.status, 200, answer.text);
  assert.equal(answer.json.ok, false);
  assert.equal(answer.json.model, 'nope-model');
  assert.match(answer.json.error, /model not found/);
  assert.ok(!answer.text.includes(KEY), answer.text);
  assert.equal(upstream.requests[0]?.body.model, 'nope-model');
});

test('provider test: without a configured model it takes the first discovered one, else asks for one', async (t) => {
  const upstream = await scriptedUpstream(t, openaiLike);
  const { url } = await proxyWith(t, [openai({ name: 'p', baseUrl: `${upstream.url}/v1` })]);
  const before = await api(url, 'POST', '/api/providers/p/test', {});
  assert.equal(before.status, 400);
  assert.match(before.json.error.message, /^model: provider "p" names no model/);
  await api(url, 'GET', '/api/providers/p/models');
  const after = await api(url, 'POST', '/api/providers/p/test', {});
  assert.equal(after.json.ok, true, after.text);
  assert.equal(after.json.model, 'model-a');
});

test('provider test: a state-changing route, so a cross-site or form post is refused', async (t) => {
  const upstream = await scriptedUpstream(t, chatReply);
  const { url } = await proxyWith(t, [
    openai({ name: 'p', baseUrl: `${upstream.url}/v1`, models: ['model-a'] }),
  ]);
  const form = await api(url, 'POST', '/api/providers/p/test', 'model=x', {
    'content-type': 'application/x-www-form-urlencoded',
  });
  assert.equal(form.status, 415);
  const crossSite = await api(
    url,
    'POST',
    '/api/providers/p/test',
    {},
    {
      'sec-fetch-site': 'cross-site',
    },
  );
  assert.equal(crossSite.status, 403);
  assert.equal(upstream.requests.length, 0);
});

test('/v1/models: each routed model also listed under a claude-via alias that Claude Code keeps and that routes to it', async (t) => {
  const upstream = await scriptedUpstream(t, chatReply);
  const { url, client } = await proxyWith(t, [
    openai({ name: 'up', baseUrl: `${upstream.url}/v1`, models: ['model-a', 'org/model-b'] }),
    modelMap({ big: 'up,model-a' }),
  ]);
  const list = await api(url, 'GET', '/v1/models?limit=1000');
  // What Claude Code's picker keeps (2.1.330: ids containing claude or anthropic).
  const kept = (list.json.data as { id: string; display_name: string }[]).filter((m) =>
    /(claude|anthropic)/i.test(m.id),
  );
  assert.deepEqual(
    kept.map((m) => [m.id, m.display_name]),
    [
      ['claude-via/up/model-a', 'model-a (up)'],
      ['claude-via/up/org/model-b', 'org/model-b (up)'],
    ],
  );
  const one = await api(url, 'GET', '/v1/models/claude-via/up/org/model-b');
  assert.equal(one.status, 200);
  assert.equal(one.json.id, 'claude-via/up/org/model-b');

  // Picked in /model, the alias is what Claude Code sends: it routes to that model, not a tier.
  const reply = await client.messages.create({
    model: 'claude-via/up/org/model-b',
    max_tokens: 8,
    messages: [user('hi')],
  });
  assert.equal(upstream.requests[0]?.body.model, 'org/model-b');
  assert.equal(reply.model, 'claude-via/up/org/model-b');
});

test('cockpit() includes live control: its routes answer with no live() in the config', async (t) => {
  const upstream = await scriptedUpstream(t, openaiLike);
  const { url } = await startTestProxy(t, {
    plugins: [
      cockpit({ ui: false, metrics: false, tracing: false }),
      openai({ name: 'p', baseUrl: `${upstream.url}/v1`, models: ['model-a'] }),
      modelMap({ big: 'p,model-a' }),
    ],
  });
  assert.equal((await api(url, 'GET', '/api/switch')).status, 200);
  assert.deepEqual(
    (await api(url, 'GET', '/api/providers/p/models')).json.models.map((m: { id: string }) => m.id),
    ['model-a', 'model-b'],
  );
});
