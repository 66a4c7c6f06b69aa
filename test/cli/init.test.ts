import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { user } from '../helpers/proxy.ts';
import { replyJson, scriptedUpstream } from '../helpers/upstream.ts';
import { completion } from '../providers/openai/helpers.ts';
import { clientFor, projectDir, runCli, runToExit } from './helpers.ts';

test('init writes a config from flags that starts as is and routes as answered', async (t) => {
  const upstream = await scriptedUpstream(t, (_req, res) =>
    replyJson(res, 200, completion({ role: 'assistant', content: 'ok' })),
  );
  const dir = projectDir(t);
  const written = await runToExit(t, {
    cwd: dir,
    args: [
      'init',
      '--provider',
      'openai',
      '--base-url',
      `${upstream.url}/v1`,
      '--api-key-env',
      'MY_UPSTREAM_KEY',
      '--big',
      'big-model',
      '--middle',
      'middle-model',
      '--small',
      'small-model',
      '--yes',
    ],
  });
  assert.equal(written.code, 0, written.stderr);
  assert.match(written.stdout, /^wrote ccproxy\.config\.ts\n/);
  assert.match(readFileSync(join(dir, 'ccproxy.config.ts'), 'utf8'), /from 'ccproxy\/plugins'/);

  const cli = runCli(t, { cwd: dir, env: { MY_UPSTREAM_KEY: 'sk-mine', PORT: '0' } });
  const client = clientFor(await cli.listening(), 'any');
  for (const model of ['claude-haiku-4-5', 'claude-opus-4-6']) {
    await client.messages.create({ model, max_tokens: 8, messages: [user('hi')] });
  }
  assert.deepEqual(
    upstream.requests.map((r) => [r.body.model, r.headers.authorization]),
    [
      ['small-model', 'Bearer sk-mine'],
      ['big-model', 'Bearer sk-mine'],
    ],
  );
});

test('init refuses to overwrite a config without --force, and names the choices of a bad provider', async (t) => {
  const dir = projectDir(t);
  assert.equal((await runToExit(t, { cwd: dir, args: ['init', '--yes'] })).code, 0);
  const before = readFileSync(join(dir, 'ccproxy.config.ts'), 'utf8');
  const again = await runToExit(t, { cwd: dir, args: ['init', '--provider', 'gemini', '--yes'] });
  assert.equal(again.code, 1);
  assert.equal(again.stderr, 'ccproxy: ccproxy.config.ts: already exists; --force overwrites it\n');
  assert.equal(readFileSync(join(dir, 'ccproxy.config.ts'), 'utf8'), before);
  const forced = await runToExit(t, {
    cwd: dir,
    args: ['init', '--provider', 'gemini', '--yes', '--force'],
  });
  assert.equal(forced.code, 0);
  assert.match(readFileSync(join(dir, 'ccproxy.config.ts'), 'utf8'), /gemini\(\{/);
  const bad = await runToExit(t, {
    cwd: dir,
    args: ['init', '--provider', 'nope', '--yes', '--force'],
  });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--provider: expected one of openai, anthropic, gemini, .*, got "nope"/);
});

test('init without --provider offers first the provider whose key is in the environment', async (t) => {
  const dir = projectDir(t);
  const run = await runToExit(t, {
    cwd: dir,
    args: ['init', '--yes'],
    env: { DEEPSEEK_API_KEY: 'k' },
  });
  assert.equal(run.code, 0);
  assert.match(
    readFileSync(join(dir, 'ccproxy.config.ts'), 'utf8'),
    /apiKey: process\.env\.DEEPSEEK_API_KEY/,
  );
});
