import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { runToExit, tempDir, writeConfig } from './helpers.ts';

// Nothing listens on port 9 (discard): an explanation must not call any upstream.
const providers = `p.openai({ name: 'a', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'k' }), p.openai({ name: 'b', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'k' })`;
const thinking = {
  model: 'claude-sonnet-4-6',
  max_tokens: 2048,
  thinking: { type: 'enabled', budget_tokens: 1024 },
  messages: [{ role: 'user', content: 'hi' }],
};

/** A project folder holding `config` and `request.json`. */
function project(t: TestContext, config: string, request: string): string {
  const dir = tempDir(t);
  writeConfig(dir, config);
  writeFileSync(join(dir, 'request.json'), request);
  return dir;
}

test('route --explain prints the target, the winning rule, the fallbacks and every rule with its reason', async (t) => {
  const cwd = project(
    t,
    `{ plugins: [${providers}, p.modelMap({ big: 'a,big' }), p.router({ thinking: { model: 'b,thinker', fallbacks: ['a,backup'] }, background: 'a,small', longContext: { model: 'b,long', threshold: 5000 } })] }`,
    JSON.stringify(thinking),
  );
  const { code, stdout, stderr } = await runToExit(t, {
    cwd,
    args: ['route', '--explain', 'request.json'],
  });
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^target: +b,thinker\nrule: +thinking\nfallbacks: +a,backup\n/);
  assert.match(stdout, /→ thinking +thinking is enabled\n/);
  assert.match(stdout, /· longContext +~\d+ prompt tokens \(estimate\) < 5000\n/);
  assert.match(stdout, /· background +"claude-sonnet-4-6" is not haiku-class\n/);
  assert.doesNotMatch(stdout, /listening/, 'the private instance prints no banner');
});

for (const c of [
  {
    name: 'a config without a router',
    config: `{ plugins: [${providers}] }`,
    request: JSON.stringify(thinking),
    message: /^ccproxy: \S*ccproxy\.config\.ts: no router plugin/,
  },
  {
    name: 'a file that is not JSON',
    config: `{ plugins: [${providers}, p.router({ background: 'a,small' })] }`,
    request: 'model: claude',
    message: /^ccproxy: request\.json: expected a JSON Messages request body/,
  },
  {
    name: 'JSON that is not a Messages request',
    config: `{ plugins: [${providers}, p.router({ background: 'a,small' })] }`,
    request: '{"model": "claude-haiku-4-5"}',
    message:
      /^ccproxy: request\.json: Expected a Messages request body with "model" and "messages"/,
  },
]) {
  test(`route --explain with ${c.name} exits 1 with a clear message`, async (t) => {
    const cwd = project(t, c.config, c.request);
    const { code, stderr } = await runToExit(t, {
      cwd,
      args: ['route', '--explain', 'request.json'],
    });
    assert.equal(code, 1);
    assert.match(stderr, c.message);
  });
}
