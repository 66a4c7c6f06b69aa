import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { user } from '../helpers/proxy.ts';
import { scriptedUpstream } from '../helpers/upstream.ts';
import { completion, openaiReply } from '../providers/openai/helpers.ts';
import { clientFor, runCli, tempDir } from './helpers.ts';

// A user of the Go ccproxy keeps its variables: the port, the client key, the log file.
test('CCPROXY_PORT, CCPROXY_API_KEY (the client key) and CCPROXY_LOG_FILE work with no config', async (t) => {
  const upstream = await scriptedUpstream(t, openaiReply([], completion({ content: 'go' })));
  const dir = tempDir(t);
  const logFile = join(dir, 'logs', 'ccproxy.log');
  const cli = runCli(t, {
    cwd: dir,
    env: {
      OPENAI_BASE_URL: `${upstream.url}/v1`,
      OPENAI_API_KEY: 'sk-up',
      CCPROXY_PORT: '0',
      CCPROXY_API_KEY: 'go-client-key',
      CCPROXY_LOG_FILE: logFile,
    },
  });
  const url = await cli.listening();
  const ask = (key: string) =>
    clientFor(url, key).messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 16,
      messages: [user('hi')],
    });
  await assert.rejects(
    ask('wrong-key'),
    (e: unknown) => e instanceof Anthropic.AuthenticationError,
  );
  assert.deepEqual((await ask('go-client-key')).content, [{ type: 'text', text: 'go' }]);
  cli.child.kill('SIGTERM');
  assert.equal(await cli.exited, 0);
  const lines = readFileSync(logFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { status?: number });
  // The wrong key is refused on its headers, before a request exists to log: one line, the 200.
  assert.deepEqual(
    lines.filter((line) => line.status !== undefined).map((line) => line.status),
    [200],
  );
  // The banner stays on the terminal; the log lines went to the file.
  assert.match(cli.stdout(), /listening on/);
  assert.doesNotMatch(cli.stdout(), /"level"/);
});
