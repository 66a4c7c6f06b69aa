import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../core/index.ts';
import { logFormat } from '../../core/log.ts';
import { openai } from '../../plugins/index.ts';
import { runCli, writeConfig, tempDir } from '../cli/helpers.ts';
import { startTestProxy, user } from '../helpers/proxy.ts';

test('LOG_FORMAT picks the format; without it a terminal gets pretty lines and anything else JSON', () => {
  assert.equal(logFormat({}, true), 'pretty');
  assert.equal(logFormat({}, false), 'json');
  assert.equal(logFormat({ LOG_FORMAT: 'json' }, true), 'json');
  assert.equal(logFormat({ LOG_FORMAT: 'Pretty' }, false), 'pretty');
  assert.throws(() => logFormat({ LOG_FORMAT: 'xml' }, true), ConfigError);
});

for (const level of ['info', 'debug'] as const) {
  test(`an unreachable upstream is logged as one warning${level === 'debug' ? ', with its stack at debug' : ' without a stack'}`, async (t) => {
    const { client, logs } = await startTestProxy(t, {
      logLevel: level,
      plugins: [openai({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'k', models: ['gpt-4o'] })],
    });
    const params = { model: 'openai,gpt-4o', max_tokens: 8, messages: [user('hi')] };
    await assert.rejects(client.messages.create(params), { status: 502 });
    const failure = logs.find((line) => /unreachable/.test(String(line.msg)))!;
    assert.equal(failure.level, 40, 'a warning, not an error');
    if (level === 'info') {
      assert.equal(failure.err, undefined);
      assert.match(String(failure.error), /ECONNREFUSED/);
      assert.doesNotMatch(JSON.stringify(logs), /\\n\s+at /, 'no stack anywhere');
    } else assert.match(String((failure.err as { stack?: string }).stack), /\n\s+at /);
  });
}

test('LOG_FORMAT=pretty: the banner and readable one-line logs on one stream; a model listing failure without a stack', async (t) => {
  const dir = tempDir(t);
  writeConfig(
    dir,
    `{ server: { port: 0 }, plugins: [p.anthropic({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k' })] }`,
  );
  const cli = runCli(t, { cwd: dir, env: { LOG_FORMAT: 'pretty' } });
  await cli.listening();
  const line = await cli.waitFor('stdout', /^.*could not list the upstream models.*$/m);
  assert.match(line[0], /WARN/);
  assert.doesNotMatch(line[0], /^\{/, 'not JSON');
  assert.doesNotMatch(cli.stdout(), /\n\s+at /, 'no stack');
  assert.equal(cli.stderr(), '');
});

test('LOG_FORMAT=json (and any output that is not a terminal): one JSON object per log line', async (t) => {
  const dir = tempDir(t);
  writeConfig(
    dir,
    `{ server: { port: 0 }, plugins: [p.anthropic({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k' })] }`,
  );
  const cli = runCli(t, { cwd: dir });
  await cli.listening();
  const line = await cli.waitFor('stdout', /^\{.*could not list the upstream models.*\}$/m);
  const entry = JSON.parse(line[0]) as Record<string, unknown>;
  assert.equal(entry.level, 40);
  assert.equal(entry.err, undefined);
  assert.match(String(entry.error), /ECONNREFUSED|fetch failed|HTTP/);
});
