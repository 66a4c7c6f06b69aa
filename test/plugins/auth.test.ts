import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { ConfigError } from '../../core/index.ts';
import { auth, type AuthOptions } from '../../plugins/auth/index.ts';
import { fakeProvider, textStream } from '../helpers/events.ts';
import { startTestProxy, user, type TestProxyOptions } from '../helpers/proxy.ts';

const KEY = 'sk-ccproxy-0123456789';
const SECOND = 'sk-ccproxy-second-key';
const ask = { model: 'claude-sonnet-4-5', max_tokens: 16, messages: [user('hi')] };

/** A proxy guarded by `auth(options)` in front of a provider that answers "ok". */
async function guarded(
  t: TestContext,
  options: AuthOptions,
  server: TestProxyOptions['server'] = {},
) {
  const provider = fakeProvider('p', () => textStream('ok'), ['m']);
  const proxy = await startTestProxy(t, { plugins: [auth(options), provider.plugin], server });
  const sdk = (credentials: { apiKey?: string | null; authToken?: string | null }) =>
    new Anthropic({
      baseURL: proxy.url,
      maxRetries: 0,
      apiKey: null,
      authToken: null,
      ...credentials,
    });
  /** A raw request, for header forms the SDK does not send. */
  const raw = (path: string, headers: Record<string, string> = {}, init: RequestInit = {}) =>
    fetch(`${proxy.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(ask),
      ...init,
    });
  return { ...proxy, provider, sdk, raw };
}

/** The 401 a client sees: Anthropic's error shape, `authentication_error`. */
async function assertUnauthorized(response: Response) {
  assert.equal(response.status, 401);
  const body = (await response.json()) as {
    type: string;
    error: { type: string; message: string };
    request_id: string;
  };
  assert.equal(body.type, 'error');
  assert.equal(body.error.type, 'authentication_error');
  assert.equal(body.request_id, response.headers.get('request-id'));
  return body.error.message;
}

test('A2: the key is accepted from x-api-key and from Authorization: Bearer', async (t) => {
  const { sdk, raw } = await guarded(t, { keys: [KEY] });
  const viaHeader = await sdk({ apiKey: KEY }).messages.create(ask);
  const viaBearer = await sdk({ authToken: KEY }).messages.create(ask);
  assert.deepEqual(
    [viaHeader.content, viaBearer.content],
    [[{ type: 'text', text: 'ok' }], [{ type: 'text', text: 'ok' }]],
  );
  for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
    const response = await raw('/v1/messages', { authorization: `${scheme} ${KEY}` });
    assert.equal(response.status, 200, scheme);
  }
});

test('A2: a key one character off gets 401 authentication_error, and the provider is never called', async (t) => {
  const { sdk, raw, provider } = await guarded(t, { keys: [KEY] });
  const offByOne = `${KEY.slice(0, -1)}8`;
  await assert.rejects(sdk({ apiKey: offByOne }).messages.create(ask), (e: unknown) => {
    assert.ok(e instanceof Anthropic.AuthenticationError);
    assert.equal(e.status, 401);
    return true;
  });
  assert.equal(
    await assertUnauthorized(await raw('/v1/messages', { authorization: `Bearer ${offByOne}` })),
    'Invalid API key',
  );
  assert.equal(
    await assertUnauthorized(await raw('/v1/messages', { 'x-api-key': KEY.slice(0, -1) })),
    'Invalid API key',
  );
  assert.equal(provider.calls.length, 0);
});

test('A2: a request without any key gets 401 saying how to send one', async (t) => {
  const { raw } = await guarded(t, { keys: [KEY] });
  assert.match(
    await assertUnauthorized(await raw('/v1/messages')),
    /send x-api-key or Authorization: Bearer/,
  );
});

test('several keys: each one is accepted, a streaming client included', async (t) => {
  const { sdk } = await guarded(t, { keys: [KEY, undefined, '', SECOND] });
  for (const key of [KEY, SECOND]) {
    const message = await sdk({ apiKey: key }).messages.stream(ask).finalMessage();
    assert.deepEqual(message.content, [{ type: 'text', text: 'ok' }]);
  }
});

test('a key a reload takes out of the config is refused at once, though it was just accepted', async (t) => {
  const provider = fakeProvider('p', () => textStream('ok'), ['m']);
  let keys = [KEY, SECOND];
  const { url, running } = await startTestProxy(t, {
    plugins: [auth({ keys }), provider.plugin],
    reloadWith: () => [auth({ keys }), fakeProvider('p', () => textStream('ok'), ['m']).plugin],
  });
  const client = new Anthropic({ baseURL: url, apiKey: SECOND, maxRetries: 0 });
  assert.deepEqual((await client.messages.create(ask)).content, [{ type: 'text', text: 'ok' }]);
  keys = [KEY];
  assert.equal((await running.reload()).ok, true);
  await assert.rejects(client.messages.create(ask), (e: unknown) => {
    assert.ok(e instanceof Anthropic.AuthenticationError);
    return true;
  });
});

test('/v1/models and count_tokens are guarded too', async (t) => {
  const { raw } = await guarded(t, { keys: [KEY] });
  for (const path of ['/v1/models', '/v1/models/p,m']) {
    await assertUnauthorized(await raw(path, {}, { method: 'GET', body: null }));
    assert.equal(
      (await raw(path, { 'x-api-key': KEY }, { method: 'GET', body: null })).status,
      200,
      path,
    );
  }
  await assertUnauthorized(await raw('/v1/messages/count_tokens', { 'x-api-key': 'wrong' }));
  const counted = await raw('/v1/messages/count_tokens?beta=true', {
    authorization: `Bearer ${KEY}`,
  });
  assert.ok(((await counted.json()) as { input_tokens: number }).input_tokens > 0);
});

test('A9: HEAD /, GET / and /health stay open without a key', async (t) => {
  const { raw } = await guarded(t, { keys: [KEY] });
  for (const [method, path] of [
    ['HEAD', '/'],
    ['GET', '/'],
    ['GET', '/health'],
    ['HEAD', '/api/hello'],
  ] as const) {
    assert.equal((await raw(path, {}, { method, body: null })).status, 200, `${method} ${path}`);
  }
});

test('no key, right key or wrong key: neither key ever reaches the log', async (t) => {
  const { sdk, raw, logs } = await guarded(t, { keys: [KEY] });
  await sdk({ apiKey: KEY }).messages.create(ask);
  await sdk({ authToken: KEY }).messages.stream(ask).finalMessage();
  await raw('/v1/messages', { 'x-api-key': 'sk-wrong-secret' });
  await raw(
    '/v1/models',
    { authorization: 'Bearer sk-wrong-secret' },
    { method: 'GET', body: null },
  );
  await new Promise((resolve) => setImmediate(resolve));
  const text = JSON.stringify(logs);
  assert.ok(logs.some((line) => line.msg === 'request'));
  assert.ok(!text.includes(KEY), 'the configured key was logged');
  assert.ok(!text.includes('sk-wrong-secret'), 'a presented key was logged');
});

test('keys: [undefined] (an unset variable) means no key: loopback clients are served with any key or none', async (t) => {
  const { sdk, raw } = await guarded(t, { keys: [process.env.CCPROXY_TEST_UNSET_KEY] });
  assert.deepEqual((await sdk({ apiKey: 'anything' }).messages.create(ask)).content, [
    { type: 'text', text: 'ok' },
  ]);
  assert.equal((await raw('/v1/messages')).status, 200);
  assert.equal((await raw('/v1/models', {}, { method: 'GET', body: null })).status, 200);
});

// 192.0.2.1 (TEST-NET-1) is never local: past the check, listen fails with EADDRNOTAVAIL, so the
// test never serves anything off loopback.
const PUBLIC = { host: '192.0.2.1' };

for (const c of [
  { name: 'no keys', options: {}, server: PUBLIC },
  { name: 'only unset keys', options: { keys: [undefined, ''] }, server: PUBLIC },
]) {
  test(`a non-loopback host with ${c.name} refuses to start`, async (t) => {
    await assert.rejects(guarded(t, c.options, c.server), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(
        e.message,
        /^test\.config\.ts: plugins \(auth\): server\.host "192\.0\.2\.1" is not loopback and auth has no keys; set keys, or allowOpen/,
      );
      return true;
    });
  });
}

for (const c of [
  { name: 'auth({ allowOpen: true })', options: { allowOpen: true }, server: PUBLIC },
  { name: 'server.allowOpen', options: {}, server: { ...PUBLIC, allowOpen: true } },
  { name: 'a key', options: { keys: [KEY] }, server: PUBLIC },
]) {
  test(`a non-loopback host with ${c.name} passes the check (and only fails to bind TEST-NET)`, async (t) => {
    await assert.rejects(guarded(t, c.options, c.server), { code: 'EADDRNOTAVAIL' });
  });
}

for (const c of [
  {
    name: 'a key that is not a string',
    options: { keys: [42] },
    message: 'plugins (auth): options.keys[0]: expected a string or null, got 42',
  },
  {
    name: 'a misspelt option',
    options: { key: [KEY] },
    message: 'plugins (auth): options: unknown option "key"; did you mean "keys"?',
  },
]) {
  test(`auth with ${c.name} is a ConfigError at load`, () => {
    assert.throws(
      () => auth(c.options as AuthOptions),
      (e: unknown) => e instanceof ConfigError && e.message === c.message,
    );
  });
}
