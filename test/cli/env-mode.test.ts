import assert from 'node:assert/strict';
import { test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { user } from '../helpers/proxy.ts';
import { scriptedUpstream, type UpstreamHandler } from '../helpers/upstream.ts';
import { chunk, completion, openaiReply, usageChunk } from '../providers/openai/helpers.ts';
import { plannerSays } from '../plugins/boost/helpers.ts';
import { clientFor, openaiEnv, runCli } from './helpers.ts';

const weather: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Weather of a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

const text = openaiReply(
  [
    chunk({ role: 'assistant', content: '' }),
    chunk({ content: 'Hel' }),
    chunk({ content: 'lo' }, 'stop'),
    usageChunk(12, 3),
  ],
  completion({ content: 'Hello' }),
);
const toolCall = openaiReply(
  [
    chunk({
      tool_calls: [
        {
          index: 0,
          id: 'call_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":' },
        },
      ],
    }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }, 'tool_calls'),
  ],
  completion(
    {
      content: null,
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        },
      ],
    },
    'tool_calls',
  ),
);
/** An OpenAI-compatible upstream: a tool call when tools are offered, "Hello" otherwise. */
const openaiUpstream: UpstreamHandler = (req, res, http) =>
  (req.body?.tools ? toolCall : text)(req, res, http);

test('env mode: with only OPENAI_* set, a new user gets the banner and text, streamed and tool answers', async (t) => {
  const upstream = await scriptedUpstream(t, openaiUpstream);
  const started = performance.now();
  const cli = runCli(t, {
    env: {
      ...openaiEnv(upstream.url),
      CUSTOM_HEADER_X_API_KEY: 'v',
      BIG_MODEL: 'gpt-big',
      SMALL_MODEL: 'gpt-small',
    },
  });
  const url = await cli.listening();
  const client = clientFor(url);

  const message = await client.messages.create({
    model: 'claude-sonnet-4-6',
    max_tokens: 64,
    messages: [user('hi')],
  });
  t.diagnostic(
    `start-up to the first answered request: ${Math.round(performance.now() - started)} ms`,
  );
  assert.deepEqual(message.content, [{ type: 'text', text: 'Hello' }]);
  assert.equal(message.model, 'claude-sonnet-4-6', 'the client sees the model it asked for');

  const banner = cli.stdout();
  assert.match(banner, new RegExp(`listening on ${url}`));
  assert.match(banner, /no config file: running on the environment defaults/);
  assert.match(banner, /providers:\n {2}openai/);
  assert.match(banner, /haiku → small: openai,gpt-small/);
  assert.match(banner, /sonnet → middle: openai,gpt-big/, 'MIDDLE_MODEL defaults to BIG_MODEL');
  assert.match(banner, /opus → big: openai,gpt-big/);
  assert.ok(
    banner.includes(`\n  ANTHROPIC_AUTH_TOKEN=ccproxy ANTHROPIC_BASE_URL=${url} claude\n`),
    banner,
  );

  const streamed = await client.messages
    .stream({ model: 'claude-opus-4-6', max_tokens: 64, messages: [user('hi')] })
    .finalMessage();
  assert.deepEqual(streamed.content, [{ type: 'text', text: 'Hello' }]);

  const tool = await client.messages.create({
    model: 'claude-haiku-4-5',
    max_tokens: 64,
    tools: [weather],
    messages: [user('weather?')],
  });
  assert.deepEqual(tool.content, [
    { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
  ]);
  assert.equal(tool.stop_reason, 'tool_use');

  assert.deepEqual(
    upstream.requests.map((r) => r.body.model),
    ['gpt-big', 'gpt-big', 'gpt-small'],
    'sonnet and opus go to BIG_MODEL, haiku to SMALL_MODEL',
  );
  for (const request of upstream.requests) {
    assert.equal(request.headers['x-api-key'], 'v', 'CUSTOM_HEADER_X_API_KEY reaches the upstream');
    assert.equal(request.headers.authorization, 'Bearer sk-upstream');
    assert.ok(
      !JSON.stringify(request.headers).includes('client-key'),
      "the client's key stays with ccproxy",
    );
  }
});

test('env mode: ANTHROPIC_API_KEY set, a wrong client key gets 401 and the right one an answer', async (t) => {
  const upstream = await scriptedUpstream(t, openaiUpstream);
  const cli = runCli(t, {
    env: {
      ...openaiEnv(upstream.url),
      ANTHROPIC_API_KEY: 'right',
    },
  });
  const url = await cli.listening();
  const error = await clientFor(url, 'wrong')
    .messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [user('hi')] })
    .catch((e: unknown) => e);
  assert.ok(error instanceof Anthropic.AuthenticationError, String(error));
  assert.equal(upstream.requests.length, 0);
  const message = await clientFor(url, 'right').messages.create({
    model: 'claude-sonnet-4-6',
    max_tokens: 64,
    messages: [user('hi')],
  });
  assert.deepEqual(message.content, [{ type: 'text', text: 'Hello' }]);
});

test("env mode: the Python proxy's BOOST_* variables define the boost-planner provider boost plans with", async (t) => {
  const upstream = await scriptedUpstream(t, openaiUpstream);
  const planner = await scriptedUpstream(t, plannerSays('SUMMARY:\nIt is sunny in Paris.'));
  const cli = runCli(t, {
    env: {
      ...openaiEnv(upstream.url),
      ENABLE_BOOST_SUPPORT: 'BIG_MODEL',
      BOOST_BASE_URL: `${planner.url}/v1`,
      BOOST_API_KEY: 'sk-boost',
      BOOST_MODEL: 'gpt-planner',
      MAX_TOKENS_LIMIT: '2048',
    },
  });
  const url = await cli.listening();
  assert.match(cli.stdout(), /providers:\n(?: {2}.*\n)* {2}boost-planner/);
  const message = await clientFor(url).messages.create({
    model: 'claude-opus-4-6',
    max_tokens: 8000,
    tools: [weather],
    messages: [user('weather in Paris?')],
  });
  assert.deepEqual(message.content, [{ type: 'text', text: 'It is sunny in Paris.' }]);
  assert.equal(upstream.requests.length, 0, 'the planner answered');
  const sent = planner.requests[0]!;
  assert.equal(sent.url, '/v1/chat/completions');
  assert.equal(sent.headers.authorization, 'Bearer sk-boost');
  assert.equal(sent.body.model, 'gpt-planner');
  assert.equal(sent.body.tools, undefined);
  assert.equal(sent.body.max_tokens, 2048, 'bounded by MAX_TOKENS_LIMIT like the main provider');
});
