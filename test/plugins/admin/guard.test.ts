import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { test, type TestContext } from 'node:test';
import { ConfigError, type Plugin } from '../../../core/index.ts';
import { auth } from '../../../plugins/auth/index.ts';
import { admin, adminGuard, type AdminGuard } from '../../../plugins/admin/index.ts';
import { fakeProvider, textStream } from '../../helpers/events.ts';
import { startTestProxy } from '../../helpers/proxy.ts';

const ADMIN = 'ccx-admin-0123456789';
const CLIENT = 'sk-client-0123456789';

/** A plugin serving one read and one write route behind the shared guard. */
function probe(seen: AdminGuard[] = []): Plugin {
  return {
    name: 'probe',
    setup(app) {
      const guard = adminGuard(app);
      seen.push(guard, adminGuard(app));
      app.http.get('/api/probe', guard.read, (http) => void (http.body = { read: true }));
      app.http.post('/api/probe', guard.write, (http) => void (http.body = { wrote: true }));
    },
  };
}

async function proxyWith(t: TestContext, plugins: Plugin[], env: NodeJS.ProcessEnv = {}) {
  const provider = fakeProvider('p', () => textStream('ok'), ['m']);
  const proxy = await startTestProxy(t, { plugins: [...plugins, provider.plugin], env });
  /** A raw request: fetch cannot set Host or Sec-Fetch-Site, node:http can. */
  const call = (method: string, headers: Record<string, string> = {}, body?: string) =>
    new Promise<{
      status: number;
      body: { type?: string; error?: { type: string; message: string } };
    }>((resolve, reject) => {
      const req = httpRequest(`${proxy.url}/api/probe`, { method, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  return { ...proxy, call };
}

const json = { 'content-type': 'application/json' };

test('admin guard: with no admin key, loopback clients are served and a rebound Host is refused', async (t) => {
  const { call } = await proxyWith(t, [probe()]);
  assert.equal((await call('GET')).status, 200);
  assert.equal((await call('POST', json, '{}')).status, 200);
  // A page on evil.example whose name now resolves to 127.0.0.1 reaches us with its own Host.
  const rebound = await call('GET', { host: 'evil.example:3456' });
  assert.equal(rebound.status, 403);
  assert.equal(rebound.body.type, 'error');
  assert.equal(rebound.body.error?.type, 'permission_error');
  assert.match(rebound.body.error.message, /CCPROXY_ADMIN_KEY/);
});

test('admin guard: with admin keys, only they open it; a client key never does', async (t) => {
  const { call } = await proxyWith(
    t,
    [auth({ keys: [CLIENT] }), admin({ keys: [ADMIN, undefined] }), probe()],
    { CCPROXY_ADMIN_KEY: 'ccx-from-env-key' },
  );
  const missing = await call('GET');
  assert.equal(missing.status, 401);
  assert.equal(missing.body.error?.type, 'authentication_error');
  assert.equal((await call('GET', { 'x-api-key': CLIENT })).status, 401);
  assert.equal((await call('GET', { authorization: `Bearer ${CLIENT}` })).status, 401);
  assert.equal((await call('GET', { 'x-api-key': `${ADMIN}x` })).status, 401);
  assert.equal((await call('GET', { 'x-api-key': ADMIN })).status, 200);
  assert.equal((await call('GET', { authorization: `Bearer ${ADMIN}` })).status, 200);
  assert.equal((await call('GET', { 'x-api-key': 'ccx-from-env-key' })).status, 200);
});

test('admin guard: writes refuse cross-site requests and bodies a form could send', async (t) => {
  const { call, url } = await proxyWith(t, [admin({ keys: [ADMIN] }), probe()]);
  const key = { 'x-api-key': ADMIN };
  const cases: Array<[string, Record<string, string>, number, string]> = [
    ['cross-site fetch', { ...json, 'sec-fetch-site': 'cross-site' }, 403, 'permission_error'],
    ['same-site fetch', { ...json, 'sec-fetch-site': 'same-site' }, 403, 'permission_error'],
    ['foreign Origin', { ...json, origin: 'http://evil.example' }, 403, 'permission_error'],
    ['text/plain body', { 'content-type': 'text/plain' }, 415, 'invalid_request_error'],
    [
      'form body',
      { 'content-type': 'application/x-www-form-urlencoded' },
      415,
      'invalid_request_error',
    ],
  ];
  for (const [name, headers, status, type] of cases) {
    const answer = await call('POST', { ...key, ...headers }, '{}');
    assert.equal(answer.status, status, name);
    assert.equal(answer.body.error?.type, type, name);
  }
  const sameOrigin = { ...key, ...json, origin: url, 'sec-fetch-site': 'same-origin' };
  assert.deepEqual((await call('POST', sameOrigin, '{}')).body, { wrote: true });
  // Reads stay open to a cross-site GET with the key (no state changes there).
  assert.equal((await call('GET', { ...key, 'sec-fetch-site': 'cross-site' })).status, 200);
});

test('services: adminGuard is one per app; a second provider of a service stops start-up', async (t) => {
  const seen: AdminGuard[] = [];
  await proxyWith(t, [
    probe(seen),
    { name: 'other', setup: (app) => void seen.push(adminGuard(app)) },
  ]);
  assert.equal(new Set(seen).size, 1);
  const twice: Plugin = {
    name: 'twice',
    setup(app) {
      assert.equal(app.service('storage'), undefined);
      adminGuard(app);
      app.provide('admin-guard', seen[0]!);
    },
  };
  await assert.rejects(proxyWith(t, [twice]), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /plugins \(twice\): two plugins provide the service "admin-guard"/);
    return true;
  });
});
