import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { request } from 'undici';
import { ProxyError, type Plugin } from '../../core/index.ts';
import { foldEvents } from '../../core/stream/accumulator.ts';
import { fakeProvider, messageStart, textStream } from '../helpers/events.ts';
import { startTestProxy, user } from '../helpers/proxy.ts';
import { openai, router } from '../../plugins/index.ts';
import { replySse, scriptedUpstream, sseData } from '../helpers/upstream.ts';

const body = (extra: Record<string, unknown> = {}) => ({
  model: 'claude-sonnet-4-5',
  max_tokens: 16,
  messages: [user('hi')],
  ...extra,
});

async function post(url: string, payload: unknown, headers: Record<string, string> = {}) {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'k', ...headers },
    body:
      typeof payload === 'string' || payload instanceof Uint8Array
        ? payload
        : JSON.stringify(payload),
  });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    headers: res.headers,
    text,
    json: () => JSON.parse(text) as Record<string, any>,
  };
}

/** Parses an SSE body into [event name, data] pairs. */
function sseEvents(text: string): [string, Record<string, any>][] {
  return text
    .split('\n\n')
    .filter((chunk) => chunk.includes('data:'))
    .map((chunk) => {
      const name = /^event: (.*)$/m.exec(chunk)?.[1] ?? '';
      return [name, JSON.parse(/^data: (.*)$/m.exec(chunk)![1]!) as Record<string, any>];
    });
}

async function proxyWith(
  t: Parameters<typeof startTestProxy>[0],
  script: Parameters<typeof fakeProvider>[1],
  extra: Plugin[] = [],
  pingIntervalMs?: number,
) {
  const provider = fakeProvider('p', script, ['model-a']);
  const proxy = await startTestProxy(t, { plugins: [...extra, provider.plugin], pingIntervalMs });
  return { ...proxy, provider };
}

test('A1: /v1/messages with and without ?beta=true answer the same', async (t) => {
  const { url } = await proxyWith(t, () => textStream('same'));
  const plain = await post(`${url}/v1/messages`, body());
  const beta = await post(`${url}/v1/messages?beta=true`, body());
  assert.equal(plain.status, 200);
  assert.deepEqual({ ...plain.json(), id: 0 }, { ...beta.json(), id: 0 });
});

for (const c of [
  { name: 'A3: a body that is not JSON', payload: '{"model": ', message: /Invalid request body/ },
  {
    name: 'A4: a missing messages array',
    payload: { model: 'm', max_tokens: 1 },
    message: /messages: Field required/,
  },
  {
    name: 'A4: messages that is not an array',
    payload: { model: 'm', max_tokens: 1, messages: 'hi' },
    message: /messages/,
  },
]) {
  test(`${c.name} gets 400 invalid_request_error and no upstream call`, async (t) => {
    const { url, provider } = await proxyWith(t, () => textStream('x'));
    const res = await post(`${url}/v1/messages`, c.payload);
    assert.equal(res.status, 400);
    assert.equal(res.json().type, 'error');
    assert.equal(res.json().error.type, 'invalid_request_error');
    assert.match(res.json().error.message, c.message);
    assert.equal(provider.calls.length, 0);
  });
}

test('A3: a gzip-compressed JSON body is served like a plain one; a non-JSON body gets a 400 invalid_request_error', async (t) => {
  const { url } = await proxyWith(t, () => textStream('unzipped'));
  const res = await post(`${url}/v1/messages`, gzipSync(JSON.stringify(body())), {
    'content-encoding': 'gzip',
  });
  assert.equal(res.status, 200);
  assert.equal(res.json().content[0].text, 'unzipped');
  assert.match(String(res.headers['request-id']), /^req_/);
  const plain = await post(`${url}/v1/messages`, 'model=claude', { 'content-type': 'text/plain' });
  assert.equal(plain.status, 400);
  assert.equal(plain.json().type, 'error');
  assert.equal(plain.json().error.type, 'invalid_request_error');
});

test('A5: a 5 MB and a 31 MB body are accepted; over 32 MB gets 413 request_too_large', async (t) => {
  const { url } = await proxyWith(t, () => textStream('big'));
  for (const mb of [5, 31]) {
    const res = await post(
      `${url}/v1/messages`,
      body({ messages: [user('x'.repeat(mb * 1024 * 1024))] }),
    );
    assert.equal(res.status, 200, `${mb} MB`);
  }
  const res = await post(
    `${url}/v1/messages`,
    body({ messages: [user('x'.repeat(33 * 1024 * 1024))] }),
  );
  assert.equal(res.status, 413);
  assert.equal(res.json().error.type, 'request_too_large');
});

test('A6, A8, A11: unknown fields, adaptive thinking and tools without input_schema or name pass', async (t) => {
  const { url, provider } = await proxyWith(t, () => textStream('ok'));
  const res = await post(
    `${url}/v1/messages`,
    body({
      context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
      output_config: { effort: 'high' },
      diagnostics: { x: 1 },
      thinking: { type: 'adaptive', budget_tokens: 0 },
      tools: [
        { type: 'web_search_20250305', name: 'web_search' },
        { type: 'computer_toolset_20260801' },
      ],
    }),
  );
  assert.equal(res.status, 200);
  assert.deepEqual(provider.calls[0]?.request.context_management, {
    edits: [{ type: 'clear_tool_uses_20250919' }],
  });
});

test('A7: a mid-conversation system message is accepted', async (t) => {
  const { url, provider } = await proxyWith(t, () => textStream('ok'));
  const messages = [
    user('a'),
    { role: 'assistant', content: 'b' },
    { role: 'system', content: 'be brief' },
    user('c'),
  ];
  assert.equal((await post(`${url}/v1/messages`, body({ messages }))).status, 200);
  assert.equal(provider.calls[0]?.request.messages[2]?.role, 'system');
});

test('A9: HEAD / and HEAD /api/hello answer 2xx without a key or an upstream call', async (t) => {
  const { url, provider } = await proxyWith(t, () => textStream('x'));
  for (const path of ['/', '/api/hello']) {
    const res = await request(`${url}${path}`, { method: 'HEAD' });
    assert.equal(res.statusCode, 200);
    await res.body.dump();
  }
  assert.equal(provider.calls.length, 0);
});

test("the probes answer with a request-id; a plugin's route on a probe's path wins over the core's answer; a method a probe refuses gets 405", async (t) => {
  const home: Plugin = {
    name: 'home',
    setup(app) {
      app.http.get('/', (http) => void (http.body = { home: true }));
    },
  };
  const { url } = await proxyWith(t, () => textStream('x'), [home]);
  const json = async (path: string, method: 'GET' | 'HEAD' | 'DELETE' = 'GET') => {
    const res = await request(`${url}${path}`, { method });
    const text = await res.body.text();
    assert.match(String(res.headers['request-id']), /^req_[A-Za-z0-9]{24}$/, `${method} ${path}`);
    return { status: res.statusCode, body: text && (JSON.parse(text) as Record<string, any>) };
  };
  assert.deepEqual(await json('/'), { status: 200, body: { home: true } });
  assert.deepEqual(await json('/api/hello'), {
    status: 200,
    body: { name: 'ccproxy', status: 'ok' },
  });
  assert.deepEqual(await json('/api/hello', 'HEAD'), { status: 200, body: '' });
  assert.deepEqual(await json('/health?ready'), {
    status: 200,
    body: { status: 'ok', ready: true },
  });
  const refused = await json('/health', 'DELETE');
  assert.equal(refused.status, 405);
  assert.equal(refused.body && refused.body.error.type, 'invalid_request_error');
});

test('A10: every response carries request-id; error bodies repeat it as request_id', async (t) => {
  const { url } = await proxyWith(t, () => textStream('x'));
  const ok = await post(`${url}/v1/messages`, body());
  const sse = await post(`${url}/v1/messages`, body({ stream: true }));
  const bad = await post(`${url}/v1/messages`, '{');
  const missing = await request(`${url}/nowhere`);
  for (const res of [ok, sse, bad])
    assert.match(String(res.headers['request-id']), /^req_[A-Za-z0-9]{24}$/);
  assert.equal(bad.json().request_id, bad.headers['request-id']);
  assert.equal(missing.statusCode, 404);
  const missingBody = (await missing.body.json()) as {
    error: { type: string };
    request_id: string;
  };
  assert.equal(missingBody.error.type, 'not_found_error');
  assert.equal(missingBody.request_id, missing.headers['request-id']);
});

test('B1, B2, B3: stream:true with Accept: application/json gets SSE whose event names equal the data type', async (t) => {
  const { url } = await proxyWith(t, () => textStream('hello', { parts: 2 }));
  const res = await post(`${url}/v1/messages`, body({ stream: true }), {
    accept: 'application/json',
  });
  assert.equal(res.status, 200);
  assert.match(String(res.headers['content-type']), /^text\/event-stream/);
  assert.equal(res.headers['cache-control'], 'no-cache');
  const events = sseEvents(res.text);
  for (const [name, data] of events) assert.equal(name, data.type);
  assert.equal(events[0]![0], 'message_start');
  assert.deepEqual(events[0]![1].message.content, []);
  assert.equal(events[0]![1].message.stop_reason, null);
  assert.equal(events.at(-1)![0], 'message_stop');
});

test('B9, D19: a non-streaming client gets the fold of the same events as JSON', async (t) => {
  const events = textStream('folded text', { parts: 4 });
  const { url } = await proxyWith(t, () => structuredClone(events));
  const res = await post(`${url}/v1/messages`, body());
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const message = res.json();
  const expected = foldEvents(structuredClone(events));
  assert.deepEqual({ ...message, model: 0 }, { ...expected, model: 0 });
  assert.equal(message.type, 'message');
  assert.equal(message.role, 'assistant');
});

test('B7, B8: message_start goes out at once; pings flow while the upstream is silent; deltas are not buffered', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const events = textStream('before after', { parts: 2 });
  const { url } = await proxyWith(
    t,
    async function* () {
      yield* events.slice(0, 3);
      await gate;
      yield* events.slice(3);
    },
    [],
    20,
  );
  // Raw HTTP: the SDK drops pings before its listeners see them.
  const res = await request(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body({ stream: true })),
  });
  let text = '';
  for await (const chunk of res.body) {
    text += chunk.toString();
    // The first delta is here while the upstream still holds the rest (B7); pings keep flowing (B8).
    if (text.includes('text_delta') && text.split('event: ping').length > 3) release();
  }
  const names = sseEvents(text).map(([name]) => name);
  assert.deepEqual(names.slice(0, 3), [
    'message_start',
    'content_block_start',
    'content_block_delta',
  ]);
  assert.deepEqual(names.slice(3, 6), ['ping', 'ping', 'ping']);
  assert.equal(names.at(-1), 'message_stop');
});

test('E5: an error before the first event is an HTTP error with an Anthropic body, never a 200 stream', async (t) => {
  const { url } = await proxyWith(t, () => {
    throw new ProxyError('rate_limit_error', 429, 'p: slow down', {
      headers: { 'retry-after': '7' },
    });
  });
  const res = await post(`${url}/v1/messages`, body({ stream: true }));
  assert.equal(res.status, 429);
  assert.equal(res.headers['retry-after'], '7');
  assert.deepEqual(res.json().error, { type: 'rate_limit_error', message: 'p: slow down' });
});

test('E9: a failure after the first byte gives an SSE error event and no message_stop', async (t) => {
  const { client, url } = await proxyWith(t, async function* () {
    yield messageStart();
    yield { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } };
    throw new ProxyError('api_error', 502, 'p: connection reset');
  });
  const raw = await post(`${url}/v1/messages`, body({ stream: true }));
  const names = sseEvents(raw.text).map(([name]) => name);
  assert.deepEqual(names.slice(-1), ['error']);
  assert.ok(!names.includes('message_stop'));
  await assert.rejects(
    client.messages.stream({ model: 'm', max_tokens: 5, messages: [user('hi')] }).finalMessage(),
    /connection reset/,
  );
});

test('E12: closing the client connection aborts ctx.signal at once', async (t) => {
  let aborted!: () => void;
  const abortedSeen = new Promise<void>((r) => (aborted = r));
  const { client } = await proxyWith(t, async function* (ctx) {
    ctx.signal.addEventListener('abort', () => aborted());
    yield* textStream('start').slice(0, 3);
    await new Promise(() => {}); // an upstream that never finishes
  });
  const controller = new AbortController();
  const stream = client.messages.stream(
    { model: 'm', max_tokens: 5, messages: [user('hi')] },
    { signal: controller.signal },
  );
  stream.on('text', () => controller.abort());
  await assert.rejects(stream.finalMessage());
  await abortedSeen;
});

test('G1, G2: count_tokens answers without max_tokens, and grows with tools and system', async (t) => {
  const { url } = await proxyWith(t, () => textStream('x'));
  const count = async (extra: Record<string, unknown>) => {
    const res = await post(`${url}/v1/messages/count_tokens?beta=true`, {
      model: 'claude-sonnet-4-5',
      messages: [user('hello there')],
      ...extra,
    });
    assert.equal(res.status, 200);
    return res.json().input_tokens as number;
  };
  const bare = await count({});
  const withSystem = await count({ system: 'You are Claude Code. '.repeat(20) });
  const withTools = await count({
    tools: [
      {
        name: 'Bash',
        description: 'Run a command',
        input_schema: { type: 'object', properties: { command: { type: 'string' } } },
      },
    ],
  });
  assert.ok(bare > 0);
  assert.ok(withSystem > bare);
  assert.ok(withTools > bare);
});

test('G1: count_tokens uses the provider counter when it has one', async (t) => {
  const plugin: Plugin = {
    name: 'counted',
    setup(app) {
      app.registerProvider({
        name: 'c',
        send: () => textStream('x')[Symbol.iterator]() as never,
        countTokens: async () => 4242,
      });
    },
  };
  const { url } = await startTestProxy(t, { plugins: [plugin] });
  const res = await post(`${url}/v1/messages/count_tokens`, { model: 'm', messages: [user('hi')] });
  assert.deepEqual(res.json(), { input_tokens: 4242 });
});

test('G3, G4, G5: /v1/models lists configured models in Anthropic shape, honours limit, 404s unknown ids', async (t) => {
  const provider = fakeProvider('p', () => textStream('x'), ['m1', 'm2', 'm3']);
  const { url } = await startTestProxy(t, { plugins: [provider.plugin] });
  const list = (await (await request(`${url}/v1/models?limit=4`)).body.json()) as Record<
    string,
    any
  >;
  assert.deepEqual(
    list.data.map((m: { id: string }) => m.id),
    // Each followed by its picker alias (Claude Code keeps only ids naming Claude).
    ['p,m1', 'claude-via/p/m1', 'p,m2', 'claude-via/p/m2'],
  );
  assert.equal(list.has_more, true);
  assert.equal(list.first_id, 'p,m1');
  assert.equal(list.last_id, 'claude-via/p/m2');
  for (const model of list.data)
    assert.deepEqual(Object.keys(model).slice(0, 4), ['type', 'id', 'display_name', 'created_at']);
  const next = (await (
    await request(`${url}/v1/models?after_id=claude-via/p/m2`)
  ).body.json()) as Record<string, any>;
  assert.deepEqual(
    next.data.map((m: { id: string }) => m.id),
    ['p,m3', 'claude-via/p/m3'],
  );
  const one = await request(`${url}/v1/models/p,m3`);
  assert.equal(((await one.body.json()) as { id: string }).id, 'p,m3');
  const unknown = await request(`${url}/v1/models/nope`);
  assert.equal(unknown.statusCode, 404);
  assert.equal(
    ((await unknown.body.json()) as { error: { type: string } }).error.type,
    'not_found_error',
  );
});

test('telemetry posts are accepted and dropped; /health answers', async (t) => {
  const { url } = await proxyWith(t, () => textStream('x'));
  assert.equal((await post(`${url}/api/event_logging/batch`, { events: [] })).status, 200);
  const health = await request(`${url}/health`);
  assert.deepEqual(await health.body.json(), { status: 'ok' });
});

test('H1: an explicit provider,model reaches that provider; an unknown provider gets 400 naming the choices', async (t) => {
  const a = fakeProvider('a', () => textStream('from a'));
  const b = fakeProvider('b', () => textStream('from b'));
  const { url } = await startTestProxy(t, { plugins: [a.plugin, b.plugin] });
  const res = await post(`${url}/v1/messages`, body({ model: 'b,some-model' }));
  assert.equal(res.json().content[0].text, 'from b');
  assert.equal(b.calls[0]?.target, 'b,some-model');
  assert.equal(res.headers['x-ccproxy-target'], 'b,some-model');
  const slash = await post(`${url}/v1/messages`, body({ model: 'a/org/model' }));
  assert.equal(slash.json().content[0].text, 'from a');
  assert.equal(a.calls[0]?.target, 'a,org/model');
  const bad = await post(`${url}/v1/messages`, body({ model: 'zz,model' }));
  assert.equal(bad.status, 400);
  assert.match(bad.json().error.message, /Unknown provider "zz".*configured: a, b/);
});

test('a request line is logged per request without the client key', async (t) => {
  const { url, logs } = await proxyWith(t, () => textStream('x'));
  const res = await post(`${url}/v1/messages`, body(), { 'x-api-key': 'sk-secret-value' });
  await new Promise((r) => setImmediate(r));
  const line = logs.find((l) => l.msg === 'request');
  assert.ok(line);
  assert.equal(line.id, res.headers['request-id']);
  assert.equal(line.model, 'claude-sonnet-4-5');
  assert.equal(line.status, 200);
  assert.equal(typeof line.ms, 'number');
  assert.ok(!JSON.stringify(logs).includes('sk-secret-value'));
});

test('A3: a body not in its Content-Encoding (gzip, deflate, br, cut short or unknown) gets 400 invalid_request_error, also on /api/route/explain', async (t) => {
  const { url, provider } = await proxyWith(t, () => textStream('x'), [router()]);
  const json = JSON.stringify(body());
  const cases: [string, Uint8Array][] = [
    ['gzip', Buffer.from(json)],
    ['deflate', Buffer.from(json)],
    ['br', Buffer.from(json)],
    ['gzip', gzipSync(json).subarray(0, 20)],
    ['br', brotliCompressSync(json).subarray(0, 20)],
    ['zstd', Buffer.from(json)],
  ];
  for (const path of ['/v1/messages', '/v1/messages/count_tokens', '/api/route/explain']) {
    for (const [encoding, payload] of cases) {
      const res = await post(`${url}${path}`, payload, { 'content-encoding': encoding });
      assert.equal(res.status, 400, `${encoding} on ${path}: ${res.text}`);
      assert.equal(res.json().error.type, 'invalid_request_error');
      assert.match(res.json().error.message, /Invalid request body/);
    }
  }
  const brotli = await post(`${url}/v1/messages`, brotliCompressSync(json), {
    'content-encoding': 'br',
  });
  assert.equal(brotli.json().content[0].text, 'x', 'a well-formed br body is served');
  assert.equal(provider.calls.length, 1);
});

test('a wrong method on a known route gets 405 with an Anthropic error body; an unknown method too, never a 5xx', async (t) => {
  const { url } = await proxyWith(t, () => textStream('x'));
  for (const [method, path] of [
    ['GET', '/v1/messages'],
    ['PUT', '/v1/messages'],
    ['DELETE', '/v1/messages/count_tokens'],
    ['PATCH', '/v1/models'],
    ['TRACE', '/'],
  ]) {
    const res = await request(`${url}${path}`, { method: method as 'GET' });
    const text = await res.body.text();
    assert.equal(res.statusCode, 405, `${method} ${path}`);
    const json = JSON.parse(text) as Record<string, any>;
    assert.equal(json.type, 'error', `${method} ${path}`);
    assert.equal(json.error.type, 'invalid_request_error');
    assert.match(String(res.headers['request-id']), /^req_/);
  }
});

test(
  'an error answered after the upstream was called aborts the upstream request',
  { timeout: 20_000 },
  async (t) => {
    const upstream = await scriptedUpstream(t, (_req, res) =>
      replySse(res, [sseData({ id: 'c', choices: [{ index: 0, delta: { content: 'hi' } }] })], {
        end: 'hang',
      }),
    );
    // A target no header can carry: the answer fails once the upstream has started answering.
    const failing: Plugin = {
      name: 'failing',
      onRequest(ctx) {
        ctx.target = { provider: 'openai', model: 'm\u0001' };
      },
    };
    const { url } = await startTestProxy(t, {
      plugins: [failing, openai({ baseUrl: `${upstream.url}/v1`, apiKey: 'k', models: ['m'] })],
    });
    const res = await post(`${url}/v1/messages`, body({ model: 'openai,m', stream: true }));
    assert.equal(res.status, 500);
    assert.equal(res.json().type, 'error');
    await new Promise<void>((resolve) => {
      const check = () => (upstream.aborted.length ? resolve() : setImmediate(check));
      check();
    });
    assert.equal(upstream.aborted.length, 1);
  },
);
