import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openai } from '../../plugins/index.ts';
import { runCli } from '../cli/helpers.ts';
import { startTestProxy } from '../helpers/proxy.ts';
import { replyJson, scriptedUpstream } from '../helpers/upstream.ts';

const TEAM = 'sk-team-0123456789abcdef';

test('a cloud vendor URL without a key is flagged in the start banner', async (t) => {
  const cli = runCli(t, { env: { PORT: '0' } }); // OPENAI_BASE_URL defaults to api.openai.com
  await cli.listening();
  const banner = cli.stdout();
  assert.match(
    banner,
    /warnings:\n {2}provider "openai": https:\/\/api\.openai\.com\/v1 needs an API key and none is set; set its apiKey \(OPENAI_API_KEY/,
  );
});

test('a local server without a key is not flagged', async (t) => {
  const cli = runCli(t, { env: { PORT: '0', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' } });
  await cli.listening();
  assert.doesNotMatch(cli.stdout(), /warnings:/);
});

test('the launch line carries a token: any value without client keys, a placeholder (never the key) with them', async (t) => {
  const open = runCli(t, { env: { PORT: '0', OPENAI_API_KEY: 'sk-upstream' } });
  const openUrl = await open.listening();
  assert.ok(
    open.stdout().includes(`ANTHROPIC_AUTH_TOKEN=ccproxy ANTHROPIC_BASE_URL=${openUrl} claude`),
    open.stdout(),
  );
  const keyed = runCli(t, {
    env: { PORT: '0', OPENAI_API_KEY: 'sk-upstream', ANTHROPIC_API_KEY: TEAM },
  });
  const keyedUrl = await keyed.listening();
  const banner = keyed.stdout();
  assert.ok(
    banner.includes(
      `ANTHROPIC_AUTH_TOKEN=<your ccproxy key> ANTHROPIC_BASE_URL=${keyedUrl} claude`,
    ),
    banner,
  );
  assert.ok(!banner.includes(TEAM) && !keyed.stderr().includes(TEAM));
});

test('an upstream 401 reaches the client naming the provider and what to set', async (t) => {
  const upstream = await scriptedUpstream(t, (_req, res) =>
    replyJson(res, 401, {
      error: { message: 'Incorrect API key provided', type: 'invalid_request_error' },
    }),
  );
  const { client } = await startTestProxy(t, {
    plugins: [
      openai({ name: 'openai', baseUrl: `${upstream.url}/v1`, apiKey: 'sk-wrong-upstream' }),
    ],
  });
  const error = await client.messages
    .create({ model: 'gpt-4o', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] })
    .then(
      () => assert.fail('expected an error'),
      (e: unknown) => e as { status: number; message: string },
    );
  assert.equal(error.status, 403); // ccproxy's key, not the client's login: shown at once
  assert.match(error.message, /Incorrect API key provided/);
  // The SDK quotes the JSON body: the provider's name appears with escaped quotes.
  assert.match(
    error.message,
    /refused the key ccproxy sent to provider \\?"openai\\?": set that provider's apiKey/,
  );
});
