import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { anthropic, modelMap } from '../../../plugins/index.ts';
import { mintSignature } from '../../../plugins/providers/shared/signature.ts';
import { startTestProxy, user } from '../../helpers/proxy.ts';
import { replyJson, replySse, scriptedUpstream } from '../../helpers/upstream.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/anthropic/${name}`, import.meta.url), 'utf8');
const STREAM = fixture('stream-all-kinds.sse');
const MESSAGE = JSON.parse(fixture('message.json')) as Record<string, unknown>;
/** The fixture cut at event boundaries, so the upstream writes it in several chunks. */
const STREAM_CHUNKS = STREAM.split(/(?<=\n\n)/);

async function setup(
  t: Parameters<typeof scriptedUpstream>[0],
  options: { apiKey?: string; map?: boolean; chunks?: Uint8Array[] } = {},
) {
  const upstream = await scriptedUpstream(t, (req, res) =>
    req.body?.stream
      ? replySse(res, options.chunks ?? STREAM_CHUNKS, { delayMs: options.chunks ? 5 : 0 })
      : replyJson(res, 200, MESSAGE),
  );
  const provider = anthropic({
    baseUrl: upstream.url,
    apiKey: options.apiKey,
    models: ['claude-sonnet-4-5'],
  });
  const plugins = options.map
    ? [provider, modelMap({ middle: 'anthropic,claude-sonnet-4-5-20250929' })]
    : [provider];
  const proxy = await startTestProxy(t, { plugins });
  return { upstream, ...proxy };
}

/** A streaming request for `model`, sent raw so that the answer's bytes can be compared. */
const streamRaw = (url: string, model: string) =>
  fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
    body: JSON.stringify({ model, max_tokens: 5, stream: true, messages: [user('hi')] }),
  });

test('F1: the body reaches Anthropic byte-identical but for the mapped model', async (t) => {
  const { upstream, url } = await setup(t, { map: true });
  // Odd spacing, an escaped character, unknown fields, cache_control and the attribution block:
  // a re-serialising proxy would change every one of them.
  const raw =
    '{ "model" : "claude-sonnet-4-6",\n  "max_tokens": 1024, "stream": false,' +
    ' "system": [{"type":"text","text":"x-anthropic-billing-header: cc_version=2.1.200.abc; cc_entrypoint=cli; cch=1f2e3;"},' +
    '{"type":"text","text":"You are Claude Code.","cache_control":{"type":"ephemeral","ttl":"1h"}}],' +
    ' "messages": [{"role":"user","content":"caf\\u00e9 1.0e2"}],' +
    ' "context_management": {"edits":[{"type":"clear_thinking_20251015"}]}, "diagnostics": {"x": 1.50} }';
  const res = await fetch(`${url}/v1/messages?beta=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-client' },
    body: raw,
  });
  assert.equal(res.status, 200);
  assert.equal(
    upstream.requests[0]!.raw,
    raw.replace('"claude-sonnet-4-6"', '"claude-sonnet-4-5-20250929"'),
  );
});

test('F2: anthropic-version and every anthropic-beta value arrive unchanged', async (t) => {
  const { upstream, url } = await setup(t);
  const headers = new Headers({
    'content-type': 'application/json',
    'x-api-key': 'k',
    'anthropic-version': '2099-01-01',
  });
  headers.append('anthropic-beta', 'claude-code-20250219,interleaved-thinking-2025-05-14');
  headers.append('anthropic-beta', 'some-future-beta-2027-01-01');
  await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 5, messages: [user('hi')] }),
  });
  const got = upstream.requests[0]!.headers;
  assert.equal(got['anthropic-version'], '2099-01-01');
  const betas = String(got['anthropic-beta']).split(/,\s*/);
  assert.deepEqual(betas, [
    'claude-code-20250219',
    'interleaved-thinking-2025-05-14',
    'some-future-beta-2027-01-01',
  ]);
});

test('F3: with no plugin watching events, the SSE bytes reach the client unchanged', async (t) => {
  const { url, running } = await setup(t);
  const res = await streamRaw(url, 'claude-sonnet-4-5');
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  assert.equal(await res.text(), STREAM);
  assert.ok(res.headers.get('request-id')?.startsWith('req_'));
  assert.ok(running.runtime.pipeline.observesEvents === false);
});

test('F3: through plugins, the SDK sees every event (ping, citations, signatures, server tools)', async (t) => {
  const { client } = await setup(t, { map: true });
  const stream = client.messages.stream({
    model: 'claude-sonnet-4-6',
    max_tokens: 5,
    messages: [user('hi')],
  });
  const seen: string[] = [];
  stream.on('streamEvent', (event) =>
    seen.push(event.type === 'content_block_delta' ? event.delta.type : event.type),
  );
  const message = await stream.finalMessage();
  const expected = [...STREAM.matchAll(/^data: (.*)$/gm)].map((m) => {
    const event = JSON.parse(m[1]!) as { type: string; delta?: { type: string } };
    return event.type === 'content_block_delta' ? event.delta!.type : event.type;
  });
  assert.deepEqual(
    seen.filter((type) => type !== 'ping'),
    expected.filter((type) => type !== 'ping'),
  );
  assert.equal(message.model, 'claude-sonnet-4-6');
  assert.deepEqual(message.content, MESSAGE.content);
  assert.deepEqual(message.usage, MESSAGE.usage);
});

test('F3, D20: with the model mapped, the relay still runs: the bytes unchanged but for the model the client asked for', async (t) => {
  // message_start cut in two, and a multi-byte character cut in two further on: the relay holds
  // the bytes only until message_start is whole.
  const bytes = Buffer.from(STREAM.replace('"text":"', '"text":"café '));
  const cut = bytes.indexOf('é') + 1;
  const chunks = [bytes.subarray(0, 40), bytes.subarray(40, cut), bytes.subarray(cut)];
  const { upstream, url, running } = await setup(t, { map: true, chunks });
  assert.equal(running.runtime.pipeline.observesEvents, false);
  const res = await streamRaw(url, 'claude-sonnet-4-6');
  assert.equal(upstream.requests[0]!.body?.model, 'claude-sonnet-4-5-20250929');
  const expected = bytes
    .toString()
    .replace('"model":"claude-sonnet-4-5-20250929"', '"model":"claude-sonnet-4-6"');
  assert.equal(await res.text(), expected);
});

test("D20: the client sees the model it asked for when it was mapped, Anthropic's own name when not", async (t) => {
  for (const map of [false, true]) {
    for (const stream of [false, true]) {
      const { client } = await setup(t, { map });
      const request = { model: 'claude-sonnet-4-5', max_tokens: 5, messages: [user('hi')] };
      const message = stream
        ? await client.messages.stream(request).finalMessage()
        : await client.messages.create(request);
      const expected = map ? 'claude-sonnet-4-5' : 'claude-sonnet-4-5-20250929';
      assert.equal(message.model, expected, `map ${map}, stream ${stream}`);
    }
  }
});

test('a non-streaming answer reaches the client as the same Message', async (t) => {
  for (const map of [false, true]) {
    const { client } = await setup(t, { map });
    const message = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 5,
      messages: [user('hi')],
    });
    assert.deepEqual(message.content, MESSAGE.content);
    assert.equal(message.stop_reason, 'tool_use');
    assert.equal(message.usage.cache_read_input_tokens, 1200);
  }
});

test('F4: an Anthropic error keeps its status, body, retry and rate-limit headers', async (t) => {
  const headers = {
    'retry-after': '17',
    'x-should-retry': 'true',
    'anthropic-ratelimit-tokens-remaining': '0',
    'anthropic-ratelimit-unified-reset': '1790000000',
  };
  const body = {
    type: 'error',
    error: {
      type: 'rate_limit_error',
      message: 'Number of request tokens has exceeded your per-minute rate limit',
    },
  };
  const upstream = await scriptedUpstream(t, (_req, res) => replyJson(res, 429, body, headers));
  for (const plugins of [
    [anthropic({ baseUrl: upstream.url })],
    [anthropic({ baseUrl: upstream.url }), modelMap({})],
  ]) {
    const { url } = await startTestProxy(t, { plugins });
    for (const stream of [false, true]) {
      const res = await fetch(`${url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
        body: JSON.stringify({
          model: 'claude-sonnet-4-5',
          max_tokens: 5,
          stream,
          messages: [user('hi')],
        }),
      });
      assert.equal(res.status, 429);
      for (const [name, value] of Object.entries(headers))
        assert.equal(res.headers.get(name), value);
      const got = (await res.json()) as typeof body;
      assert.deepEqual(got.error, body.error);
    }
  }
});

test('F5: thinking with ccproxy-minted signatures is removed; genuine thinking stays in order', async (t) => {
  const { upstream, client } = await setup(t);
  const genuine = { type: 'thinking' as const, thinking: 'mine', signature: 'EqQBCgIYAhIMgenuine' };
  const foreign = {
    type: 'thinking' as const,
    thinking: 'gemini thought',
    signature: mintSignature('gemini', 'abc'),
  };
  await client.messages.create({
    model: 'claude-sonnet-4-5',
    max_tokens: 5,
    messages: [
      user('a'),
      { role: 'assistant', content: [foreign, { type: 'text', text: 'from gemini' }] },
      user('b'),
      { role: 'assistant', content: [genuine, { type: 'text', text: 'from claude' }] },
      user('c'),
    ],
  });
  const sent = upstream.requests[0]!.body.messages as {
    content: { type: string; thinking?: string }[];
  }[];
  assert.deepEqual(sent[1]!.content, [{ type: 'text', text: 'from gemini' }]);
  assert.deepEqual(sent[3]!.content, [genuine, { type: 'text', text: 'from claude' }]);
});

test('F6: tool ids breaking ^[a-zA-Z0-9_-]+$ are rewritten consistently', async (t) => {
  const { upstream, client } = await setup(t);
  await client.messages.create({
    model: 'claude-sonnet-4-5',
    max_tokens: 5,
    messages: [
      user('list files'),
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'functions.Bash:0', name: 'Bash', input: { command: 'ls' } },
        ],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'functions.Bash:0', content: 'a.txt' }],
      },
    ],
  });
  const sent = upstream.requests[0]!.body.messages as {
    content: { id?: string; tool_use_id?: string }[];
  }[];
  const id = sent[1]!.content[0]!.id!;
  assert.match(id, /^[a-zA-Z0-9_-]+$/);
  assert.equal(sent[2]!.content[0]!.tool_use_id, id);
});

test('F7: pass-through mode forwards the client key; a configured key replaces it', async (t) => {
  for (const [apiKey, expected] of [
    [undefined, 'sk-ant-client'],
    ['sk-ant-configured', 'sk-ant-configured'],
  ] as const) {
    const { upstream, url } = await setup(t, { apiKey });
    const credentials: Record<string, string>[] = [
      { 'x-api-key': 'sk-ant-client' },
      { authorization: 'Bearer sk-ant-client' },
    ];
    for (const credential of credentials) {
      await fetch(`${url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...credential },
        body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 5, messages: [user('hi')] }),
      });
      const got = upstream.requests.at(-1)!.headers;
      const sent = got['x-api-key'] ?? got.authorization?.replace(/^Bearer /, '');
      assert.equal(sent, expected);
      if (apiKey) assert.equal(got.authorization, undefined);
    }
  }
});

test('G2: count_tokens on native Anthropic is the upstream count', async (t) => {
  const upstream = await scriptedUpstream(t, (_req, res) =>
    replyJson(res, 200, { input_tokens: 4242 }),
  );
  const { client } = await startTestProxy(t, {
    plugins: [anthropic({ baseUrl: upstream.url, models: [] })],
  });
  const count = await client.messages.countTokens({
    model: 'claude-sonnet-4-5',
    messages: [user('hello')],
  });
  assert.equal(count.input_tokens, 4242);
  assert.equal(upstream.requests[0]!.url, '/v1/messages/count_tokens');
  assert.equal(upstream.requests[0]!.body.max_tokens, undefined);
});

test('the url option sends to a gateway path; count_tokens follows it', async (t) => {
  const upstream = await scriptedUpstream(t, (req, res) =>
    req.url.includes('count_tokens')
      ? replyJson(res, 200, { input_tokens: 7 })
      : replyJson(res, 200, MESSAGE),
  );
  const url = `${upstream.url}/gateway/anthropic/messages?tenant=a`;
  const { client } = await startTestProxy(t, { plugins: [anthropic({ url, models: [] })] });
  await client.messages.create({
    model: 'claude-sonnet-4-5',
    max_tokens: 5,
    messages: [user('hi')],
  });
  await client.messages.countTokens({ model: 'claude-sonnet-4-5', messages: [user('hi')] });
  assert.deepEqual(
    upstream.requests.map((r) => r.url),
    ['/gateway/anthropic/messages?tenant=a', '/gateway/anthropic/messages/count_tokens?tenant=a'],
  );
});

test('G3: with a key and no models option, /v1/models lists the upstream models', async (t) => {
  const upstream = await scriptedUpstream(t, (_req, res) =>
    replyJson(res, 200, {
      data: [
        { type: 'model', id: 'claude-opus-4-8' },
        { type: 'model', id: 'claude-haiku-4-5' },
      ],
      has_more: false,
    }),
  );
  const { client } = await startTestProxy(t, {
    plugins: [anthropic({ baseUrl: upstream.url, apiKey: 'sk-ant' })],
  });
  const page = await client.models.list();
  assert.deepEqual(
    page.data.map((m) => m.id),
    ['anthropic,claude-opus-4-8', 'anthropic,claude-haiku-4-5'],
  );
  assert.equal(upstream.requests[0]!.headers['x-api-key'], 'sk-ant');
});

test('E9: a connection dropping mid-stream gives an SSE error, relayed or not', async (t) => {
  const upstream = await scriptedUpstream(t, (_req, res) =>
    replySse(res, STREAM_CHUNKS.slice(0, 6), { end: 'destroy' }),
  );
  for (const plugins of [
    [anthropic({ baseUrl: upstream.url, models: [] })],
    [anthropic({ baseUrl: upstream.url, models: [] }), modelMap({})],
  ]) {
    const { client } = await startTestProxy(t, { plugins });
    const stream = client.messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 5,
      messages: [user('hi')],
    });
    await assert.rejects(stream.finalMessage());
  }
});

test('E12: a client leaving a relayed stream aborts the upstream request', async (t) => {
  let reached!: () => void;
  const started = new Promise<void>((resolve) => (reached = resolve));
  const upstream = await scriptedUpstream(t, async (_req, res) => {
    await replySse(res, STREAM_CHUNKS.slice(0, 3), { end: 'hang' });
    reached();
  });
  const { url } = await startTestProxy(t, {
    plugins: [anthropic({ baseUrl: upstream.url, models: [] })],
  });
  const controller = new AbortController();
  const res = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
    body: JSON.stringify({
      model: 'claude-sonnet-4-5',
      max_tokens: 5,
      stream: true,
      messages: [user('hi')],
    }),
    signal: controller.signal,
  });
  assert.equal(res.status, 200);
  await started;
  controller.abort();
  await new Promise<void>((resolve) => {
    const check = () => (upstream.aborted.length ? resolve() : setImmediate(check));
    check();
  });
  assert.equal(upstream.aborted.length, 1);
});

test('B8: a relayed stream gets ping events between upstream events while the upstream is silent', async (t) => {
  let resume!: () => void;
  const pinged = new Promise<void>((resolve) => (resume = resolve));
  const withoutPings = STREAM_CHUNKS.filter((chunk) => !chunk.startsWith('event: ping'));
  const upstream = await scriptedUpstream(t, async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(withoutPings[0]);
    await pinged;
    for (const chunk of withoutPings.slice(1)) res.write(chunk);
    res.end();
  });
  const { url } = await startTestProxy(t, {
    plugins: [anthropic({ baseUrl: upstream.url, models: [] })],
    pingIntervalMs: 10,
  });
  const res = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
    body: JSON.stringify({
      model: 'claude-sonnet-4-5',
      max_tokens: 5,
      stream: true,
      messages: [user('hi')],
    }),
  });
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body!) {
    text += decoder.decode(chunk, { stream: true });
    if (text.includes('event: ping')) resume();
  }
  const names = [...text.matchAll(/^event: (.*)$/gm)].map((m) => m[1]);
  assert.equal(names[0], 'message_start');
  assert.equal(names[1], 'ping');
  assert.equal(names.at(-1), 'message_stop');
  // The upstream's own events all arrive, unchanged and in order.
  assert.equal(
    text.replace(/event: ping\ndata: \{"type":"ping"\}\n\n/g, ''),
    withoutPings.join(''),
  );
});
