import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { request } from 'undici';
import { banner } from '../../../cli/banner.ts';
import type { Plugin } from '../../../core/index.ts';
import { adminGuard } from '../../../plugins/admin/guard.ts';
import { admin, ui } from '../../../plugins/index.ts';
import { fakeProvider, textStream } from '../../helpers/events.ts';
import { startTestProxy } from '../../helpers/proxy.ts';

const ADMIN_KEY = 'admin-key-for-tests-0123456789';

/** An admin route of each kind, behind the shared guard, as the admin API's routes are. */
const guardedRoutes: Plugin = {
  name: 'guarded-routes',
  setup(app) {
    const guard = adminGuard(app);
    app.http.get('/api/test-read', guard.read, (http) => void (http.body = { read: true }));
    app.http.put('/api/test-write', guard.write, (http) => void (http.body = { wrote: true }));
  },
};

async function proxy(t: TestContext, keys: string[] = [ADMIN_KEY]) {
  const provider = fakeProvider('p', () => textStream('hi'));
  const started = await startTestProxy(t, {
    plugins: [provider.plugin, admin({ keys }), guardedRoutes, ui({ dir: '/nonexistent' })],
  });
  // The URL as a user finds it: in the start banner.
  const loginUrl = /Web UI.*\n\s+(\S+)/.exec(banner(started.running, 'test'))?.[1];
  assert.ok(loginUrl, 'the banner prints the UI URL');
  return { ...started, loginUrl };
}

const json = { 'content-type': 'application/json' };

async function logIn(url: string, credential: object, headers: Record<string, string> = {}) {
  const res = await request(`${url}/ui/session`, {
    method: 'POST',
    headers: { ...json, ...headers },
    body: JSON.stringify(credential),
  });
  const body = (await res.body.json()) as Record<string, any>;
  const setCookie = [res.headers['set-cookie'] ?? []].flat().join('\n');
  const cookie = /ccproxy_session=[^;]+/.exec(setCookie)?.[0];
  return { status: res.statusCode, body, setCookie, cookie };
}

const status = async (url: string, path: string, init: Parameters<typeof request>[1] = {}) => {
  const res = await request(`${url}${path}`, init);
  await res.body.dump();
  return res.statusCode;
};

test('with no admin key, a loopback browser is served without logging in', async (t) => {
  const { url, loginUrl } = await proxy(t, []);
  const res = await request(`${url}/ui/session`);
  assert.deepEqual(await res.body.json(), { authenticated: true, key_required: false });
  assert.equal(loginUrl, `${url}/ui/`);
  assert.equal(await status(url, '/api/test-read'), 200);
});

test('the admin key logs a browser in: an HttpOnly, SameSite=Strict cookie the admin API accepts', async (t) => {
  const { url } = await proxy(t);
  const before = await request(`${url}/ui/session`);
  assert.deepEqual(await before.body.json(), { authenticated: false, key_required: true });
  assert.equal(await status(url, '/api/test-read'), 401);

  const wrong = await logIn(url, { key: 'not-the-key' });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.cookie, undefined);

  const login = await logIn(url, { key: ADMIN_KEY });
  assert.equal(login.status, 200);
  assert.match(login.setCookie, /HttpOnly/i);
  assert.match(login.setCookie, /SameSite=Strict/i);
  assert.match(login.setCookie, /Path=\//i);
  assert.ok(!login.setCookie.includes(ADMIN_KEY), 'the cookie is not the key');
  const cookie = login.cookie!;
  assert.equal(await status(url, '/api/test-read', { headers: { cookie } }), 200);
  const write = { method: 'PUT' as const, headers: { cookie, ...json }, body: '{}' };
  assert.equal(await status(url, '/api/test-write', write), 200);
  const me = await request(`${url}/ui/session`, { headers: { cookie } });
  assert.deepEqual(await me.body.json(), { authenticated: true, key_required: true });
});

test('the banner URL logs one browser in, once', async (t) => {
  const { url, loginUrl } = await proxy(t);
  const token = /#login=([\w-]+)$/.exec(loginUrl)?.[1];
  assert.ok(token, loginUrl);
  assert.ok(loginUrl.startsWith(`${url}/ui/#login=`));
  const first = await logIn(url, { token });
  assert.equal(first.status, 200);
  assert.equal(await status(url, '/api/test-read', { headers: { cookie: first.cookie! } }), 200);
  const again = await logIn(url, { token });
  assert.equal(again.status, 401);
  assert.match(again.body.error.message, /used already or has expired/);
});

test('a session cookie does not carry cross-site writes, and no other site can log a browser in', async (t) => {
  const { url } = await proxy(t);
  const { cookie } = await logIn(url, { key: ADMIN_KEY });
  const crossSite = { cookie: cookie!, ...json, 'sec-fetch-site': 'cross-site' };
  assert.equal(
    await status(url, '/api/test-write', { method: 'PUT', headers: crossSite, body: '{}' }),
    403,
  );
  const otherOrigin = { cookie: cookie!, ...json, origin: 'http://evil.example' };
  assert.equal(
    await status(url, '/api/test-write', { method: 'PUT', headers: otherOrigin, body: '{}' }),
    403,
  );
  const form = { cookie: cookie!, 'content-type': 'application/x-www-form-urlencoded' };
  assert.equal(
    await status(url, '/api/test-write', { method: 'PUT', headers: form, body: 'a=1' }),
    415,
  );

  const forged = await logIn(url, { key: ADMIN_KEY }, { origin: 'http://evil.example' });
  assert.equal(forged.status, 403);
  assert.equal(forged.cookie, undefined);
});

test('logging out ends the session', async (t) => {
  const { url } = await proxy(t);
  const { cookie } = await logIn(url, { key: ADMIN_KEY });
  const out = await request(`${url}/ui/session`, {
    method: 'DELETE',
    headers: { cookie: cookie! },
  });
  assert.equal(out.statusCode, 204);
  assert.match(String(out.headers['set-cookie']), /ccproxy_session=;/);
  await out.body.dump();
  assert.equal(await status(url, '/api/test-read', { headers: { cookie: cookie! } }), 401);
});

test('a forged or malformed login says what was expected', async (t) => {
  const { url } = await proxy(t);
  const empty = await logIn(url, {});
  assert.equal(empty.status, 400);
  assert.match(empty.body.error.message, /expected \{ "key"/);
  assert.equal(
    await status(url, '/api/test-read', { headers: { cookie: 'ccproxy_session=forged' } }),
    401,
  );
});
