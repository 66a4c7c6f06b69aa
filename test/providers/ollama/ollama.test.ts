import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { foldEvents, type StreamEvent } from '../../../core/index.ts';
import { ollama } from '../../../plugins/index.ts';
import { chunkToEvents, endStream, newState } from '../../../plugins/providers/ollama/stream.ts';
import type { OllamaChatChunk } from '../../../plugins/providers/ollama/types.ts';
import { startTestProxy, user } from '../../helpers/proxy.ts';
import { replyJson, scriptedUpstream, type UpstreamHandler } from '../../helpers/upstream.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/ollama/${name}`, import.meta.url), 'utf8');
/** The fixture's lines, each written as its own chunk, as Ollama flushes them. */
const lines = (name: string) => fixture(name).split(/(?<=\n)/);

/**
 * Answers like Ollama: NDJSON lines, then `end`; `destroy` cuts the connection once the lines
 * are on the wire (destroying earlier would drop them unsent).
 */
const ndjsonReply =
  (chunks: readonly string[], end: 'end' | 'destroy' = 'end'): UpstreamHandler =>
  async (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    for (const chunk of chunks) await new Promise((resolve) => res.write(chunk, resolve));
    if (end === 'destroy') res.destroy();
    else res.end();
  };

const WEATHER = {
  name: 'get_weather',
  description: 'Get the weather in a given city',
  input_schema: {
    type: 'object' as const,
    properties: { city: { type: 'string', description: 'The city to get the weather for' } },
    required: ['city'],
  },
};

async function setup(t: TestContext, handler: UpstreamHandler | UpstreamHandler[]) {
  const upstream = await scriptedUpstream(t, handler);
  const { client } = await startTestProxy(t, {
    plugins: [ollama({ baseUrl: upstream.url, models: ['llama3.2'] })],
  });
  return { upstream, client, model: 'ollama,llama3.2' };
}

/** Every event a streamed answer gave before it ended, and the error it ended with, if any. */
async function streamed(client: Anthropic, body: Anthropic.MessageCreateParamsNonStreaming) {
  const events: Anthropic.RawMessageStreamEvent[] = [];
  try {
    for await (const event of await client.messages.create({ ...body, stream: true }))
      events.push(event);
  } catch (error) {
    return { events, error: error as InstanceType<typeof Anthropic.APIError> };
  }
  return { events, error: undefined };
}

test('the pure converter: the documented streamed answer folds into one text with its counts', () => {
  const state = newState('ollama', 'm', 7);
  const out: StreamEvent[] = [];
  for (const line of fixture('stream-text.ndjson').trim().split('\n'))
    chunkToEvents(state, JSON.parse(line) as OllamaChatChunk, out);
  endStream(state);
  const message = foldEvents(out);
  assert.deepEqual(message.content, [{ type: 'text', text: 'The sky is blue.' }]);
  assert.equal(message.stop_reason, 'end_turn');
  assert.equal(message.usage.input_tokens, 26);
  assert.equal(message.usage.output_tokens, 282);
});

test('streaming: NDJSON lines become text deltas as they arrive; the request is /api/chat', async (t) => {
  const { upstream, client, model } = await setup(t, ndjsonReply(lines('stream-text.ndjson')));
  const stream = client.messages.stream({
    model,
    max_tokens: 300,
    temperature: 0.2,
    stop_sequences: ['END'],
    system: 'Be brief.',
    messages: [user('why is the sky blue?')],
  });
  const deltas: string[] = [];
  stream.on('text', (text) => deltas.push(text));
  const message = await stream.finalMessage();
  assert.deepEqual(deltas, ['The', ' sky is', ' blue.']);
  assert.equal(message.model, model);
  assert.equal(message.stop_reason, 'end_turn');
  assert.equal(message.usage.input_tokens, 26);
  assert.equal(message.usage.output_tokens, 282);
  const sent = upstream.requests[0]!;
  assert.equal(sent.url, '/api/chat');
  assert.equal(sent.headers.accept, 'application/x-ndjson');
  assert.deepEqual(sent.body, {
    model: 'llama3.2',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'why is the sky blue?' },
    ],
    stream: true,
    options: { num_predict: 300, temperature: 0.2, stop: ['END'] },
  });
});

test('non-streaming, tools: the documented tool call becomes a tool_use; tools go in the function shape', async (t) => {
  const { upstream, client, model } = await setup(t, (_req, res) =>
    replyJson(res, 200, JSON.parse(fixture('response-tools.json'))),
  );
  const message = await client.messages.create({
    model,
    max_tokens: 100,
    tools: [WEATHER],
    messages: [user('what is the weather in tokyo?')],
  });
  assert.equal(message.stop_reason, 'tool_use');
  const call = message.content[0] as Anthropic.ToolUseBlock;
  assert.equal(call.type, 'tool_use');
  assert.equal(call.name, 'get_weather');
  assert.deepEqual(call.input, { city: 'Tokyo' });
  assert.match(call.id, /^toolu_/);
  assert.deepEqual(message.usage.input_tokens, 169);
  const sent = upstream.requests[0]!.body;
  assert.equal(sent.stream, false);
  assert.deepEqual(sent.tools, [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: WEATHER.description,
        parameters: WEATHER.input_schema,
      },
    },
  ]);
});

test('thinking and a tool call, then the round trip: reasoning and calls go back as Ollama wrote them', async (t) => {
  const { upstream, client, model } = await setup(t, [
    ndjsonReply(lines('stream-thinking-tools.ndjson')),
    ndjsonReply(lines('stream-text.ndjson')),
  ]);
  const first = {
    model,
    max_tokens: 2000,
    thinking: { type: 'enabled' as const, budget_tokens: 1024 },
    tools: [WEATHER],
    messages: [user('what is the weather in tokyo?')],
  };
  const answer = await client.messages.stream(first).finalMessage();
  assert.equal(upstream.requests[0]!.body.think, true);
  const [thinking, call] = answer.content as [Anthropic.ThinkingBlock, Anthropic.ToolUseBlock];
  assert.equal(thinking.type, 'thinking');
  assert.equal(thinking.thinking, 'The user wants the weather in Tokyo; call get_weather.');
  assert.match(thinking.signature, /^ccp1\.ollama\./);
  assert.equal(call.name, 'get_weather');
  assert.equal(answer.stop_reason, 'tool_use');

  await client.messages
    .stream({
      ...first,
      messages: [
        ...first.messages,
        { role: 'assistant', content: answer.content },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: call.id, content: '11 degrees celsius' }],
        },
      ],
    })
    .finalMessage();
  assert.deepEqual(upstream.requests[1]!.body.messages.slice(1), [
    {
      role: 'assistant',
      content: '',
      thinking: 'The user wants the weather in Tokyo; call get_weather.',
      tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Tokyo' } } }],
    },
    { role: 'tool', content: '11 degrees celsius', tool_name: 'get_weather' },
  ]);
});

test("images go to Ollama as base64 in the message's images", async (t) => {
  const { upstream, client, model } = await setup(t, ndjsonReply(lines('stream-text.ndjson')));
  const data =
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
  await client.messages
    .stream({
      model,
      max_tokens: 50,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is in this image?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data } },
          ],
        },
      ],
    })
    .finalMessage();
  assert.deepEqual(upstream.requests[0]!.body.messages, [
    { role: 'user', content: 'what is in this image?', images: [data] },
  ]);
});

test("E1: an unknown model (Ollama 404) is a not_found_error with Ollama's words", async (t) => {
  const { client, model } = await setup(t, (_req, res) =>
    replyJson(res, 404, { error: 'model "llama3.2" not found, try pulling it first' }),
  );
  const error = await client.messages
    .create({ model, max_tokens: 10, messages: [user('hi')] })
    .catch((e: unknown) => e);
  assert.ok(error instanceof Anthropic.NotFoundError);
  assert.equal((error.error as { error: { type: string } }).error.type, 'not_found_error');
  assert.equal(error.status, 404);
  const body = error.error as { error: { type: string; message: string } };
  assert.equal(body.error.message, 'ollama: model "llama3.2" not found, try pulling it first');
});

test('a model that cannot think is asked again without think', async (t) => {
  const { upstream, client, model } = await setup(t, [
    (_req, res) => replyJson(res, 400, { error: '"llama3.2" does not support thinking' }),
    ndjsonReply(lines('stream-text.ndjson')),
  ]);
  const message = await client.messages
    .stream({
      model,
      max_tokens: 2000,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [user('hi')],
    })
    .finalMessage();
  assert.equal((message.content[0] as Anthropic.TextBlock).text, 'The sky is blue.');
  assert.equal(upstream.requests[0]!.body.think, true);
  assert.equal(upstream.requests[1]!.body.think, undefined);
});

test('E9: a connection cut mid-answer ends the stream with an error event, no message_stop', async (t) => {
  const { client, model } = await setup(
    t,
    ndjsonReply(lines('stream-text.ndjson').slice(0, 2), 'destroy'),
  );
  const { events, error } = await streamed(client, {
    model,
    max_tokens: 50,
    messages: [user('hi')],
  });
  assert.ok(error, 'the stream fails');
  assert.ok(
    events.some((e) => e.type === 'content_block_delta'),
    'the text so far arrived',
  );
  assert.ok(!events.some((e) => e.type === 'message_stop'));
});

test('E10: a body ending without its "done" line is an error, not a finished answer', async (t) => {
  const { client, model } = await setup(t, ndjsonReply(lines('stream-text.ndjson').slice(0, 3)));
  const { events, error } = await streamed(client, {
    model,
    max_tokens: 50,
    messages: [user('hi')],
  });
  assert.match(String(error?.message), /ended before its last line/);
  assert.ok(!events.some((e) => e.type === 'message_stop'));
});

test("E11: an error line mid-stream becomes an api_error event with Ollama's words", async (t) => {
  const { client, model } = await setup(
    t,
    ndjsonReply([
      ...lines('stream-text.ndjson').slice(0, 1),
      '{"error":"an error was encountered while running the model"}\n',
    ]),
  );
  const { events, error } = await streamed(client, {
    model,
    max_tokens: 50,
    messages: [user('hi')],
  });
  assert.match(
    String(error?.message),
    /api_error.*an error was encountered while running the model/,
  );
  assert.ok(events.some((e) => e.type === 'content_block_delta'));
});

test('a history from other providers replays to Ollama: foreign reasoning stays home, calls and results stay paired', async (t) => {
  const { upstream, client, model } = await setup(t, ndjsonReply(lines('stream-text.ndjson')));
  await client.messages
    .stream({
      model,
      max_tokens: 2000,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      tools: [WEATHER],
      messages: [
        user('weather in Paris and Rome?'),
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Claude thought', signature: 'EqQBsig1' },
            { type: 'thinking', thinking: 'Gemini thought', signature: 'ccp1.gemini.GsigG1' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_A1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_ccp_abc', name: 'get_weather', input: { city: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_A1', content: '18 degrees' },
            { type: 'tool_result', tool_use_id: 'toolu_ccp_abc', content: 'boom', is_error: true },
            { type: 'text', text: 'And tomorrow?' },
          ],
        },
      ],
    })
    .finalMessage();
  assert.deepEqual(upstream.requests[0]!.body.messages.slice(1), [
    {
      role: 'assistant',
      content: 'Checking.',
      tool_calls: [
        { function: { name: 'get_weather', arguments: { city: 'Paris' } } },
        { function: { name: 'get_weather', arguments: { city: 'Rome' } } },
      ],
    },
    { role: 'tool', content: '18 degrees', tool_name: 'get_weather' },
    { role: 'tool', content: 'Error: boom', tool_name: 'get_weather' },
    { role: 'user', content: 'And tomorrow?' },
  ]);
});
