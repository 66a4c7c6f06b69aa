import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { test, type TestContext } from 'node:test';
import { request } from 'undici';
import { ui } from '../../../plugins/index.ts';
import { fakeProvider, textStream } from '../../helpers/events.ts';
import { startTestProxy } from '../../helpers/proxy.ts';

const SCRIPT = `console.log(${JSON.stringify('x'.repeat(2000))});`;

/** A built UI as Vite lays it out: index.html and content-hashed files under assets/. */
function builtUi(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'ccproxy-ui-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><script src="/ui/assets/app-1a2b.js"></script>',
  );
  writeFileSync(join(dir, 'assets', 'app-1a2b.js'), SCRIPT);
  writeFileSync(join(dir, 'assets', 'app-1a2b.css'), 'body{}');
  return dir;
}

async function serve(t: TestContext, dir: string) {
  const provider = fakeProvider('p', () => textStream('hi'));
  return startTestProxy(t, { plugins: [provider.plugin, ui({ dir })] });
}

test('/ui/ serves index.html, revalidated on every load, with a same-origin-only CSP', async (t) => {
  const { url } = await serve(t, builtUi(t));
  const res = await request(`${url}/ui/`);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(res.headers['cache-control'], 'no-cache');
  const csp = String(res.headers['content-security-policy']);
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.match(await res.body.text(), /app-1a2b\.js/);
});

test('hashed assets are cached for a year, with their content type, gzipped when asked', async (t) => {
  const { url } = await serve(t, builtUi(t));
  const js = await request(`${url}/ui/assets/app-1a2b.js`, {
    headers: { 'accept-encoding': 'gzip, deflate' },
  });
  assert.equal(js.statusCode, 200);
  assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(js.headers['content-encoding'], 'gzip');
  assert.equal(gunzipSync(Buffer.from(await js.body.arrayBuffer())).toString(), SCRIPT);

  const css = await request(`${url}/ui/assets/app-1a2b.css`);
  assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
  assert.equal(css.headers['content-encoding'], undefined);
  assert.equal(await css.body.text(), 'body{}');
});

test('/ui redirects to /ui/; an unknown file is a 404, and nothing outside the folder is reachable', async (t) => {
  const { url } = await serve(t, builtUi(t));
  const bare = await request(`${url}/ui`);
  assert.equal(bare.statusCode, 308);
  assert.equal(bare.headers.location, '/ui/');
  await bare.body.dump();
  for (const path of ['/ui/nope.js', '/ui/../package.json', '/ui/%2e%2e/package.json']) {
    const res = await request(`${url}${path}`);
    assert.equal(res.statusCode, 404, path);
    assert.equal(((await res.body.json()) as { type: string }).type, 'error');
  }
});

test('without a built UI, /ui/ explains how to build it', async (t) => {
  const { url, logs } = await serve(t, join(tmpdir(), 'ccproxy-no-such-ui'));
  const res = await request(`${url}/ui/`);
  assert.equal(res.statusCode, 503);
  assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
  assert.match(await res.body.text(), /npm run build:ui/);
  assert.ok(logs.some((line) => /not built/.test(String(line.msg))));
});
