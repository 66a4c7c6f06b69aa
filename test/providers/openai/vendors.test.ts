import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definePlugin } from '../../../core/index.ts';
import { detectVendor } from '../../../plugins/providers/openai/vendors.ts';
import { openai } from '../../../plugins/providers/openai/index.ts';
import { user } from '../../helpers/proxy.ts';
import { replyJson } from '../../helpers/upstream.ts';
import { callChunk, chunk, openaiReply, setup } from './helpers.ts';

const hi = { model: 'gpt-4o', max_tokens: 64, messages: [user('hi')] };
const ok = openaiReply([chunk({ content: 'ok' }, 'stop')]);

test('vendors are detected from the base URL', () => {
  const cases: [string, string][] = [
    ['https://api.openai.com/v1', 'openai'],
    ['https://my-resource.openai.azure.com', 'azure'],
    ['https://my-resource.cognitiveservices.azure.com/openai/v1', 'azure'],
    ['https://api.deepseek.com', 'deepseek'],
    ['https://openrouter.ai/api/v1', 'openrouter'],
    ['https://api.groq.com/openai/v1', 'groq'],
    ['http://localhost:11434/v1', 'ollama'],
    ['https://api.mistral.ai/v1', 'mistral'],
    ['http://gpu-box:8000/v1', 'generic'],
  ];
  for (const [url, vendor] of cases) assert.equal(detectVendor(url), vendor, url);
});

test('a bad option stops start-up with its path', () => {
  assert.throws(() => openai({ vendor: 'azur' as 'azure' }), /options\.vendor: expected one of/);
  assert.throws(() => openai({ baseUrl: 'api.openai.com' }), /options\.baseUrl/);
});

test('Azure: deployment URL with api-version and the api-key header', async (t) => {
  const { proxy, upstream } = await setup(t, ok, {
    apiVersion: '2025-01-01-preview',
    apiKey: 'azure-key',
  });
  await proxy.client.messages.stream({ ...hi, model: 'openai,my-gpt4o-deployment' }).finalMessage();
  const request = upstream.requests[0]!;
  assert.equal(
    request.url,
    '/v1/openai/deployments/my-gpt4o-deployment/chat/completions?api-version=2025-01-01-preview',
  );
  assert.equal(request.headers['api-key'], 'azure-key');
  assert.equal(request.headers.authorization, undefined);
});

test('Azure: a base URL naming the deployment, or the v1 API, is used as given', async (t) => {
  const { upstream } = await setup(t, ok);
  const named = await setup(t, ok, {
    baseUrl: `${upstream.url}/openai/deployments/prod-4o`,
    vendor: 'azure',
    apiVersion: '2024-10-21',
  });
  await named.proxy.client.messages.stream(hi).finalMessage();
  const v1 = await setup(t, ok, { baseUrl: `${upstream.url}/openai/v1`, vendor: 'azure' });
  await v1.proxy.client.messages.stream(hi).finalMessage();
  assert.deepEqual(
    upstream.requests.map((r) => r.url),
    [
      '/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21',
      '/openai/v1/chat/completions',
    ],
  );
});

test('C21: configured and per-request headers reach the upstream; client credentials never do', async (t) => {
  const headers = definePlugin({
    name: 'headers',
    onRequest: (ctx) => void (ctx.upstream.headers['x-team'] = 'core'),
  });
  const { proxy, upstream } = await setup(
    t,
    ok,
    { headers: { 'x-org': 'acme' } },
    { plugins: [headers] },
  );
  await fetch(`${proxy.url}/v1/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': 'test-key',
      authorization: 'Bearer test-key',
    },
    body: JSON.stringify(hi),
  });
  const sent = upstream.requests[0]!.headers;
  assert.equal(sent['x-org'], 'acme');
  assert.equal(sent['x-team'], 'core');
  assert.equal(sent.authorization, 'Bearer sk-upstream');
  assert.equal(sent['x-api-key'], undefined);
  assert.ok(!JSON.stringify(sent).includes('test-key'));
});

test('credentials: pass-through forwards the client key; no apiKey sends none', async (t) => {
  const through = await setup(t, ok, { apiKey: undefined, passThroughKey: true });
  await through.proxy.client.messages.stream(hi).finalMessage();
  assert.equal(through.upstream.requests[0]!.headers.authorization, 'Bearer test-key');
  const none = await setup(t, ok, { apiKey: undefined });
  await none.proxy.client.messages.stream(hi).finalMessage();
  assert.equal(none.upstream.requests[0]!.headers.authorization, undefined);
});

test('C15: a server rejecting stream_options is retried without it, and later requests skip it', async (t) => {
  const { proxy, upstream } = await setup(t, (req, res, http) => {
    if (req.body.stream_options)
      return replyJson(res, 400, {
        error: {
          message: 'Unrecognized request argument supplied: stream_options',
          type: 'invalid_request_error',
        },
      });
    return ok(req, res, http);
  });
  const message = await proxy.client.messages.stream(hi).finalMessage();
  assert.deepEqual(message.content, [{ type: 'text', text: 'ok' }]);
  await proxy.client.messages.stream(hi).finalMessage();
  assert.deepEqual(
    upstream.requests.map((r) => Boolean(r.body.stream_options)),
    [true, false, false],
  );
});

test('C18: a model that cannot think is retried without reasoning; max_tokens above its limit is lowered', async (t) => {
  const { proxy, upstream } = await setup(t, (req, res, http) => {
    if (req.body.reasoning_effort)
      return replyJson(res, 400, {
        error: { message: '"llama3.2" does not support thinking', type: 'api_error' },
      });
    if (req.body.max_tokens > 16384) {
      return replyJson(res, 400, {
        error: {
          message:
            'max_tokens is too large: 32000. This model supports at most 16384 completion tokens, whereas you provided 32000.',
          type: 'invalid_request_error',
          param: 'max_tokens',
          code: 'invalid_value',
        },
      });
    }
    return ok(req, res, http);
  });
  await proxy.client.messages
    .stream({ ...hi, max_tokens: 32000, thinking: { type: 'enabled', budget_tokens: 4000 } })
    .finalMessage();
  assert.deepEqual(
    upstream.requests.map((r) => [r.body.reasoning_effort, r.body.max_tokens]),
    [
      ['medium', 32000],
      [undefined, 32000],
      [undefined, 16384],
    ],
  );
});

test('OpenRouter asks for usage accounting', async (t) => {
  const { proxy, upstream } = await setup(t, ok, { vendor: 'openrouter' });
  await proxy.client.messages.stream(hi).finalMessage();
  assert.deepEqual(upstream.requests[0]!.body.usage, { include: true });
});

test('OpenRouter: reasoning details, Gemini thought signatures included, come back on the next turn', async (t) => {
  const encrypted = {
    type: 'reasoning.encrypted',
    data: 'CiQB4/H/Xm…opaque',
    id: 'tool_get_weather_0',
    format: 'google-gemini-v1',
    index: 1,
  };
  const { proxy, upstream } = await setup(
    t,
    [
      openaiReply([
        chunk({
          role: 'assistant',
          reasoning: 'Need weather.',
          reasoning_details: [
            { type: 'reasoning.text', text: 'Need weather.', format: 'google-gemini-v1', index: 0 },
          ],
        }),
        callChunk(
          0,
          '{"city":"Oslo"}',
          { id: 'tool_get_weather_0', name: 'get_weather' },
          { reasoning_details: [encrypted] },
        ),
        chunk({}, 'tool_calls'),
      ]),
      ok,
    ],
    { vendor: 'openrouter' },
  );
  const tools = [
    {
      name: 'get_weather',
      input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } },
    },
  ];
  const first = await proxy.client.messages.stream({ ...hi, tools }).finalMessage();
  assert.deepEqual(
    first.content.map((block) => block.type),
    ['thinking', 'tool_use'],
  );
  const call = first.content[1] as { id: string };
  await proxy.client.messages
    .stream({
      ...hi,
      tools,
      messages: [
        ...hi.messages,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '3C' }] },
      ],
    })
    .finalMessage();
  const replayed = upstream.requests[1]!.body.messages[1];
  assert.deepEqual(replayed.reasoning_details, [
    { type: 'reasoning.text', text: 'Need weather.', format: 'google-gemini-v1', index: 0 },
    encrypted,
  ]);
});
