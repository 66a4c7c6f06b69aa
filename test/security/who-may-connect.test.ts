import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../core/index.ts';
import { auth, type AuthOptions } from '../../plugins/auth/index.ts';
import { fakeProvider, textStream } from '../helpers/events.ts';
import { startTestProxy, type TestProxyOptions } from '../helpers/proxy.ts';

const KEY = 'sk-team-0123456789abcdef';

/** A keyed proxy allowing `allowIps`; `get` fetches a path with the key and extra headers. */
async function proxyWith(
  t: Parameters<typeof startTestProxy>[0],
  options: AuthOptions,
  server: TestProxyOptions['server'] = {},
) {
  const provider = fakeProvider('p', () => textStream('ok'), ['m']);
  const proxy = await startTestProxy(t, {
    plugins: [auth({ keys: [KEY], ...options }), provider.plugin],
    server,
    apiKey: KEY,
  });
  const get = (path: string, headers: Record<string, string> = {}, url = proxy.url) =>
    fetch(`${url}${path}`, { headers: { 'x-api-key': KEY, ...headers } });
  return { ...proxy, get };
}

const statusOf = async (response: Promise<Response>) => {
  const res = await response;
  const body = (await res.json()) as { error?: { type: string } };
  return `${res.status}${body.error ? ` ${body.error.type}` : ''}`;
};

for (const c of [
  { name: 'an exact IPv4 address', allowIps: ['127.0.0.1'], status: '200' },
  { name: 'an IPv4 range', allowIps: ['10.0.0.0/8', '127.0.0.0/8'], status: '200' },
  {
    name: 'a list without the caller',
    allowIps: ['10.0.0.0/8', '::1'],
    status: '403 permission_error',
  },
]) {
  test(`allowIps with ${c.name}: ${c.status}, on every route (probes and models alike)`, async (t) => {
    const { get } = await proxyWith(t, { allowIps: c.allowIps });
    assert.equal(await statusOf(get('/v1/models')), c.status);
    assert.equal(await statusOf(get('/')), c.status);
  });
}

test('allowIps: an IPv4 rule matches an IPv4 client of a dual-stack listener (::ffff:127.0.0.1)', async (t) => {
  const { running, get } = await proxyWith(t, { allowIps: ['127.0.0.0/8'] }, { host: '::' });
  const port = new URL(running.url).port;
  assert.equal(await statusOf(get('/v1/models', {}, `http://127.0.0.1:${port}`)), '200');
  // An IPv6 client is not in an IPv4 range.
  assert.equal(
    await statusOf(get('/v1/models', {}, `http://[::1]:${port}`)),
    '403 permission_error',
  );
});

test('allowIps: an IPv6 address is allowed as written', async (t) => {
  const { running, get } = await proxyWith(t, { allowIps: ['::1/128'] }, { host: '::' });
  const port = new URL(running.url).port;
  assert.equal(await statusOf(get('/v1/models', {}, `http://[::1]:${port}`)), '200');
  assert.equal(
    await statusOf(get('/v1/models', {}, `http://127.0.0.1:${port}`)),
    '403 permission_error',
  );
});

test('a refused address never reaches the key check: a right key from it is still refused', async (t) => {
  const { client } = await proxyWith(t, { allowIps: ['10.0.0.0/8'] });
  await assert.rejects(
    client.messages.create({
      model: 'm',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'hi' }],
    }),
    { status: 403 },
  );
});

test('X-Forwarded-For is ignored unless the peer is a trusted proxy', async (t) => {
  const { get } = await proxyWith(t, { allowIps: ['10.0.0.0/8'] });
  assert.equal(
    await statusOf(get('/v1/models', { 'x-forwarded-for': '10.1.2.3' })),
    '403 permission_error',
  );
});

test('behind a trusted proxy the client is the last untrusted X-Forwarded-For address', async (t) => {
  const { get } = await proxyWith(
    t,
    { allowIps: ['10.0.0.0/8'] },
    { trustProxy: ['127.0.0.1', '192.168.0.0/16'] },
  );
  assert.equal(await statusOf(get('/v1/models', { 'x-forwarded-for': '10.1.2.3' })), '200');
  // Through a second trusted hop: still the client's address.
  assert.equal(
    await statusOf(get('/v1/models', { 'x-forwarded-for': '10.1.2.3, 192.168.1.1' })),
    '200',
  );
  // A client forging an allowed address on the left: the proxy appended the real one.
  assert.equal(
    await statusOf(get('/v1/models', { 'x-forwarded-for': '10.1.2.3, 203.0.113.9' })),
    '403 permission_error',
  );
  // No header: the trusted proxy itself is the client, and it is not allowed.
  assert.equal(await statusOf(get('/v1/models')), '403 permission_error');
});

for (const c of [
  { name: 'a bad range', options: { allowIps: ['10.0.0.0/33'] }, where: 'options.allowIps[0]' },
  { name: 'a host name', options: { allowIps: ['localhost'] }, where: 'options.allowIps[0]' },
]) {
  test(`auth with ${c.name} is a ConfigError naming the entry`, () => {
    assert.throws(
      () => auth(c.options),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.includes(`plugins (auth): ${c.where}`) &&
        error.message.includes(c.options.allowIps[0]!),
    );
  });
}

test('a bad server.trustProxy entry stops the start, naming it', async (t) => {
  await assert.rejects(
    proxyWith(t, {}, { trustProxy: ['10.0.0.1/99'] }),
    (error: unknown) =>
      error instanceof ConfigError &&
      /test\.config\.ts: server\.trustProxy\[0\]/.test(error.message),
  );
});
