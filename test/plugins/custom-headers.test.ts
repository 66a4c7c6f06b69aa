import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { ConfigError } from '../../core/index.ts';
import { customHeaders } from '../../plugins/custom-headers/index.ts';
import { envPreset } from '../../plugins/env/index.ts';
import { openai } from '../../plugins/providers/openai/index.ts';
import { startTestProxy, user } from '../helpers/proxy.ts';
import { scriptedUpstream } from '../helpers/upstream.ts';
import { chunk, completion, openaiReply } from '../providers/openai/helpers.ts';

const ask = { model: 'claude-sonnet-4-5', max_tokens: 16, messages: [user('hi')] };
const answer = openaiReply(
  [chunk({ role: 'assistant', content: 'ok' }), chunk({}, 'stop')],
  completion({ role: 'assistant', content: 'ok' }),
);

/** Proxy on the env-compatible default (no config file), its OpenAI upstream scripted. */
async function onEnvDefaults(t: TestContext, env: NodeJS.ProcessEnv) {
  const upstream = await scriptedUpstream(t, answer);
  const plugins = envPreset({
    OPENAI_BASE_URL: `${upstream.url}/v1`,
    OPENAI_API_KEY: 'sk-upstream',
    ...env,
  });
  const proxy = await startTestProxy(t, { plugins, apiKey: 'client-key' });
  return { upstream, proxy };
}

test('C21: CUSTOM_HEADER_X_API_KEY=v reaches the OpenAI upstream as X-API-KEY: v; the client key does not', async (t) => {
  const { upstream, proxy } = await onEnvDefaults(t, {
    CUSTOM_HEADER_X_API_KEY: 'v',
    CUSTOM_HEADER_X_TEAM_ID: 'infra',
  });
  const message = await proxy.client.messages.create(ask);
  assert.deepEqual(message.content, [{ type: 'text', text: 'ok' }]);
  const headers = upstream.requests[0]!.headers;
  assert.equal(headers['x-api-key'], 'v');
  assert.equal(headers['x-team-id'], 'infra');
  assert.equal(headers.authorization, 'Bearer sk-upstream');
  assert.ok(!JSON.stringify(headers).includes('client-key'));
});

test('C21: a client sending Authorization: Bearer, streaming: its token never reaches the upstream', async (t) => {
  const { upstream, proxy } = await onEnvDefaults(t, { CUSTOM_HEADER_X_API_KEY: 'v' });
  const client = new Anthropic({
    baseURL: proxy.url,
    apiKey: null,
    authToken: 'client-token',
    maxRetries: 0,
  });
  const message = await client.messages.stream(ask).finalMessage();
  assert.deepEqual(message.content, [{ type: 'text', text: 'ok' }]);
  const headers = upstream.requests[0]!.headers;
  assert.equal(headers.authorization, 'Bearer sk-upstream');
  assert.equal(headers['x-api-key'], 'v');
  assert.ok(!JSON.stringify(headers).includes('client-token'));
});

test('C21: without CUSTOM_HEADER_X_API_KEY the client x-api-key is not forwarded either', async (t) => {
  const { upstream, proxy } = await onEnvDefaults(t, {});
  await proxy.client.messages.create(ask);
  assert.equal(upstream.requests[0]!.headers['x-api-key'], undefined);
});

test('the headers option adds headers and wins over the environment, for every provider', async (t) => {
  const one = await scriptedUpstream(t, answer);
  const two = await scriptedUpstream(t, answer);
  const { client } = await startTestProxy(t, {
    plugins: [
      customHeaders({
        env: { CUSTOM_HEADER_X_TEAM: 'from-env', CUSTOM_HEADER_X_ENV: 'e' },
        headers: { 'X-TEAM': 'from-options', 'X-Extra': '1' },
      }),
      openai({ name: 'one', baseUrl: `${one.url}/v1`, apiKey: 'sk-1' }),
      openai({ name: 'two', baseUrl: `${two.url}/v1`, apiKey: 'sk-2' }),
    ],
  });
  await client.messages.create({ ...ask, model: 'one,gpt-4o' });
  await client.messages.create({ ...ask, model: 'two,gpt-4o' });
  for (const upstream of [one, two]) {
    const headers = upstream.requests[0]!.headers;
    assert.deepEqual(
      [headers['x-team'], headers['x-env'], headers['x-extra']],
      ['from-options', 'e', '1'],
    );
  }
});

for (const c of [
  {
    name: 'a variable whose name is no header name',
    options: { env: { 'CUSTOM_HEADER_X(TEAM)': 'v' } },
    message: 'plugins (custom-headers): "X(TEAM)" is not a valid header name',
  },
  {
    name: 'a header option with a space in its name',
    options: { headers: { 'X Team': 'v' } },
    message: 'plugins (custom-headers): "X Team" is not a valid header name',
  },
  {
    name: 'a value with a line break',
    options: { env: { CUSTOM_HEADER_X_TEAM: 'a\r\nInjected: 1' } },
    message:
      'plugins (custom-headers): the value of "X-TEAM" contains a line break or another control character',
  },
  {
    name: 'a misspelt option',
    options: { header: {} },
    message: 'plugins (custom-headers): options: unknown option "header"; did you mean "headers"?',
  },
]) {
  test(`${c.name} is a ConfigError at load, not a failure per request`, () => {
    assert.throws(
      () => customHeaders(c.options),
      (e: unknown) => e instanceof ConfigError && e.message === c.message,
    );
  });
}

test('the env default with a bad CUSTOM_HEADER_ name does not start', () => {
  assert.throws(
    () => envPreset({ 'CUSTOM_HEADER_BAD NAME': 'v' }),
    /plugins \(custom-headers\): "BAD NAME" is not a valid header name/,
  );
});
