import assert from 'node:assert/strict';
import { test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { user } from '../../helpers/proxy.ts';
import { replyJson } from '../../helpers/upstream.ts';
import { chunk, completion, openaiReply, setup, usageChunk } from './helpers.ts';

const weather: Anthropic.Tool = { name: 'get_weather', description: 'Weather of a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

test('D1: a text stream becomes one text block ending end_turn', async (t) => {
  const { proxy, upstream } = await setup(t, openaiReply([chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), chunk({ content: 'lo' }, 'stop'), usageChunk(12, 3)]));
  const stream = proxy.client.messages.stream({ model: 'gpt-4o', max_tokens: 64, messages: [user('hi')] });
  const message = await stream.finalMessage();
  assert.deepEqual(message.content, [{ type: 'text', text: 'Hello' }]);
  assert.equal(message.stop_reason, 'end_turn');
  assert.equal(message.usage.input_tokens, 12);
  assert.equal(message.usage.output_tokens, 3);
  assert.equal(upstream.requests[0]!.url, '/v1/chat/completions');
  assert.equal(upstream.requests[0]!.headers.authorization, 'Bearer sk-upstream');
});

test('D17: a non-streaming client gets the same message', async (t) => {
  const { proxy } = await setup(t, openaiReply([], completion({ content: 'Hello' }, 'stop', { prompt_tokens: 12, completion_tokens: 3 })));
  const message = await proxy.client.messages.create({ model: 'gpt-4o', max_tokens: 64, messages: [user('hi')] });
  assert.deepEqual(message.content, [{ type: 'text', text: 'Hello' }]);
  assert.equal(message.stop_reason, 'end_turn');
  assert.equal(message.usage.input_tokens, 12);
});

test('D2: a streamed tool call becomes a tool_use block', async (t) => {
  const { proxy, upstream } = await setup(
    t,
    openaiReply([
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }, 'tool_calls'),
    ]),
  );
  const message = await proxy.client.messages.stream({ model: 'gpt-4o', max_tokens: 64, tools: [weather], messages: [user('weather?')] }).finalMessage();
  assert.deepEqual(message.content, [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }]);
  assert.equal(message.stop_reason, 'tool_use');
  assert.deepEqual(upstream.requests[0]!.body.tools, [{ type: 'function', function: { name: 'get_weather', description: 'Weather of a city', parameters: weather.input_schema } }]);
});

test('E2: an upstream 429 is a rate_limit_error with retry-after', async (t) => {
  const { proxy } = await setup(t, (_req, res) => replyJson(res, 429, { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }, { 'retry-after': '7' }));
  const error = await proxy.client.messages.create({ model: 'gpt-4o', max_tokens: 64, messages: [user('hi')] }).catch((e: unknown) => e);
  assert.ok(error instanceof Anthropic.APIError);
  assert.equal(error.status, 429);
  assert.equal(error.headers?.get('retry-after'), '7');
  assert.match(error.message, /Rate limit reached/);
});
