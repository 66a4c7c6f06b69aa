import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { anthropic, auth, customHeaders, openai, router } from '../../plugins/index.ts';
import { startTestProxy } from '../helpers/proxy.ts';
import { replyJson, replySse, scriptedUpstream, sseData } from '../helpers/upstream.ts';

const CANARIES = {
  upstream: 'sk-upstream-CANARY-1111111111',
  custom: 'custom-CANARY-2222222222',
  client: 'sk-team-CANARY-3333333333',
};
const ask = {
  model: 'openai,gpt-4o',
  max_tokens: 8,
  messages: [{ role: 'user' as const, content: 'hi' }],
};

/** Every request header the upstream saw, as an echoing server would put them in its error. */
const echo = (headers: Record<string, unknown>, filler: number) =>
  `bad request; you sent ${JSON.stringify(headers)} ${'x'.repeat(filler)}`;

/** A proxy whose upstream refuses every request with text that repeats the request's headers. */
async function echoingProxy(t: TestContext, answer: 'status' | 'stream-error') {
  const upstream = await scriptedUpstream(t, async (req, res) => {
    // 20 MB in an error body; 1 MB in a stream event (the SSE reader refuses events over 16 MB).
    const stream = answer === 'stream-error' && req.body.stream;
    const message = echo(req.headers, stream ? 1024 * 1024 : 20 * 1024 * 1024);
    if (stream) await replySse(res, [sseData({ error: { message, code: 'server_error' } })]);
    else
      replyJson(res, answer === 'status' ? 401 : 500, {
        error: { message, type: 'invalid_api_key' },
      });
  });
  const proxy = await startTestProxy(t, {
    plugins: [
      auth({ keys: [CANARIES.client] }),
      customHeaders({ env: { CUSTOM_HEADER_X_TEAM_TOKEN: CANARIES.custom } }),
      openai({ name: 'openai', baseUrl: `${upstream.url}/v1`, apiKey: CANARIES.upstream }),
      router({ breaker: { failures: 1 } }),
    ],
    apiKey: CANARIES.client,
  });
  return { upstream, ...proxy };
}

function assertNoCanary(where: string, text: string) {
  for (const [name, canary] of Object.entries(CANARIES))
    assert.ok(!text.includes(canary), `the ${name} secret appears in ${where}`);
}

for (const answer of ['status', 'stream-error'] as const) {
  for (const stream of [false, true]) {
    test(`an upstream ${answer === 'status' ? '401' : 'stream error'} echoing the request's headers leaks no secret (${stream ? 'streaming' : 'JSON'} client)`, async (t) => {
      const { url, logs, upstream } = await echoingProxy(t, answer);
      const res = await fetch(`${url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': CANARIES.client },
        body: JSON.stringify({ ...ask, stream }),
      });
      const body = await res.text();
      // The upstream did receive the secrets: the test would prove nothing otherwise.
      assert.equal(upstream.requests[0]!.headers.authorization, `Bearer ${CANARIES.upstream}`);
      assert.equal(upstream.requests[0]!.headers['x-team-token'], CANARIES.custom);
      assert.match(body, /bad request; you sent/);
      assert.match(body, /\[redacted\]/);
      assert.ok(body.length < 4096, `the client's error is ${body.length} characters long`);
      assertNoCanary('the response body', body);
      assertNoCanary('the response headers', JSON.stringify([...res.headers]));
      const health = await (
        await fetch(`${url}/health`, { headers: { 'x-api-key': CANARIES.client } })
      ).text();
      assert.match(health, /lastError/);
      assertNoCanary('/health', health);
      assertNoCanary('the log', JSON.stringify(logs));
    });
  }
}

test('the SDK client sees the redacted upstream words, capped', async (t) => {
  const { client } = await echoingProxy(t, 'status');
  const error = await client.messages.create(ask).then(
    () => assert.fail('expected an error'),
    (e: unknown) => e as InstanceType<typeof Anthropic.APIError>,
  );
  assert.equal(error.status, 403);
  assertNoCanary('the SDK error', error.message);
  assert.ok(error.message.length < 4096);
});

test('/health shows error details only to a caller with a client key once keys exist, loopback or not', async (t) => {
  const { client, url } = await echoingProxy(t, 'stream-error'); // a 500: the breaker counts it
  await client.messages.create(ask).catch(() => {});
  const anonymous = (await (await fetch(`${url}/health`)).json()) as {
    providers: Record<string, Record<string, unknown>>;
  };
  assert.deepEqual(Object.keys(anonymous.providers.openai!), ['breaker']);
  const keyed = (await (
    await fetch(`${url}/health`, { headers: { 'x-api-key': CANARIES.client } })
  ).json()) as { providers: Record<string, Record<string, unknown>> };
  assert.ok('failures' in keyed.providers.openai!);
  assert.ok(keyed.providers.openai?.lastError);
});

test('relay: an error event in an Anthropic stream that echoes the key ccproxy sent reaches the client redacted', async (t) => {
  const upstream = await scriptedUpstream(t, (req, res) =>
    replySse(res, [
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"usage":{"input_tokens":3,"output_tokens":0}}}\n\n',
      `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message: echo(req.headers, 10) } })}\n\n`,
    ]),
  );
  const proxy = await startTestProxy(t, {
    plugins: [
      anthropic({
        baseUrl: upstream.url,
        apiKey: CANARIES.upstream,
        models: ['claude-sonnet-4-5'],
      }),
    ],
  });
  const res = await fetch(`${proxy.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'test-key' },
    body: JSON.stringify({ ...ask, model: 'claude-sonnet-4-5', stream: true }),
  });
  const text = await res.text();
  assert.match(text, /event: error/);
  assert.match(text, /\[redacted\]/, 'the echoed key was there to redact');
  assertNoCanary('the relayed stream', text);
});
