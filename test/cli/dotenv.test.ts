import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { user } from '../helpers/proxy.ts';
import { scriptedUpstream } from '../helpers/upstream.ts';
import { completion, openaiReply } from '../providers/openai/helpers.ts';
import { clientFor, runCli, tempDir } from './helpers.ts';

// `.env` in the working directory configures ccproxy as it did the Python proxies; a variable the
// environment sets wins over the file.
test('.env in the working directory is read at start; the environment wins over it', async (t) => {
  const upstream = await scriptedUpstream(t, openaiReply([], completion({ content: 'via .env' })));
  const dir = tempDir(t);
  writeFileSync(
    join(dir, '.env'),
    [
      '# the upstream, from the file',
      `OPENAI_BASE_URL=${upstream.url}/v1`,
      'OPENAI_API_KEY="sk-from-file"',
      'BIG_MODEL=file-big',
      'MIDDLE_MODEL=file-middle',
      'PORT=0',
      '',
    ].join('\n'),
  );
  const cli = runCli(t, { cwd: dir, env: { OPENAI_API_KEY: 'sk-from-env' } });
  const url = await cli.listening();
  assert.match(cli.stdout(), /\n\.env read: 4 variables; the environment's OPENAI_API_KEY kept\n/);
  const message = await clientFor(url).messages.create({
    model: 'claude-sonnet-4-6',
    max_tokens: 16,
    messages: [user('hi')],
  });
  assert.deepEqual(message.content, [{ type: 'text', text: 'via .env' }]);
  const request = upstream.requests[0]!;
  assert.equal(request.headers.authorization, 'Bearer sk-from-env');
  assert.equal(request.body.model, 'file-middle');
});

test('no .env: the banner says nothing about it', async (t) => {
  const upstream = await scriptedUpstream(t, openaiReply([], completion({ content: 'x' })));
  const cli = runCli(t, {
    env: { OPENAI_BASE_URL: `${upstream.url}/v1`, OPENAI_API_KEY: 'k', PORT: '0' },
  });
  await cli.listening();
  assert.doesNotMatch(cli.stdout(), /\.env/);
});
