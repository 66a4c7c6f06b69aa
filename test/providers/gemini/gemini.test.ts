import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import { gemini } from '../../../plugins/index.ts';
import { BYPASS_SIGNATURE } from '../../../plugins/providers/gemini/request.ts';
import { mintSignature } from '../../../plugins/providers/shared/signature.ts';
import { startTestProxy, user } from '../../helpers/proxy.ts';
import {
  replyJson,
  replySse,
  scriptedUpstream,
  sseData,
  type UpstreamHandler,
} from '../../helpers/upstream.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/gemini/${name}`, import.meta.url), 'utf8');
const json = (name: string) => JSON.parse(fixture(name)) as Record<string, unknown>;
/** Split after each `\r\n\r\n`, so every event arrives as its own chunk, as Gemini writes them. */
const chunks = (name: string) => fixture(name).split(/(?<=\r\n\r\n)/);

async function setup(
  t: TestContext,
  handler: UpstreamHandler | UpstreamHandler[],
  model = 'gemini-2.5-pro',
) {
  const upstream = await scriptedUpstream(t, handler);
  const { client } = await startTestProxy(t, {
    plugins: [gemini({ baseUrl: upstream.url, apiKey: 'g-key', models: [model] })],
  });
  return { upstream, client, model: `gemini,${model}` };
}

interface Chunk {
  candidates?: { content: { parts: unknown[] }; finishReason?: string }[];
  usageMetadata?: unknown;
}

/**
 * Answers like Gemini: the fixture's chunks on `streamGenerateContent?alt=sse`, and on
 * `generateContent` one response holding all their parts, the last finishReason and usage.
 */
const geminiReply =
  (name: string): UpstreamHandler =>
  async (req, res) => {
    if (req.url.includes('alt=sse')) return replySse(res, chunks(name));
    const all = fixture(name)
      .split('\r\n\r\n')
      .filter(Boolean)
      .map((c) => JSON.parse(c.slice(6)) as Chunk);
    const last = all.at(-1)!;
    const parts = all.flatMap((c) => c.candidates?.[0]?.content.parts ?? []);
    replyJson(res, 200, {
      ...last,
      candidates: [{ ...last.candidates![0], content: { role: 'model', parts } }],
    });
  };
const textStream = geminiReply('stream-text.sse');
const callStream = geminiReply('stream-thinking-call.sse');

test('I1: tool schemas reach Gemini in its subset', async (t) => {
  const { upstream, client, model } = await setup(t, textStream);
  const input_schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object' as const,
    additionalProperties: false,
    $defs: { Mode: { type: 'string', enum: ['fast', 'slow'] } },
    properties: {
      path: { type: 'string', format: 'uri', description: 'Where' },
      when: { type: 'string', format: 'date-time' },
      mode: { $ref: '#/$defs/Mode' },
      note: { type: ['string', 'null'] },
      count: { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 10 },
      kind: { const: 'file' },
      either: { anyOf: [{ type: 'number' }, { type: 'null' }] },
      nested: {
        type: 'object',
        properties: { deep: { type: 'boolean', examples: [true] } },
        additionalProperties: false,
      },
    },
    required: ['path', 'ghost'],
  };
  await client.messages.create({
    model,
    max_tokens: 50,
    messages: [user('hi')],
    tools: [{ name: 'Fetch', description: 'Fetches', input_schema }],
  });
  const params = upstream.requests[0]!.body.tools[0].functionDeclarations[0].parameters;
  const text = JSON.stringify(params);
  for (const banned of [
    '$schema',
    'additionalProperties',
    'exclusiveMinimum',
    'exclusiveMaximum',
    '"const"',
    '$ref',
    '$defs',
    '"uri"',
    'examples',
  ]) {
    assert.ok(!text.includes(banned), `${banned} must not reach Gemini: ${text}`);
  }
  assert.deepEqual(params.properties.note, { type: 'string', nullable: true });
  assert.deepEqual(params.properties.either, { type: 'number', nullable: true });
  assert.deepEqual(params.properties.mode, { type: 'string', enum: ['fast', 'slow'] });
  assert.deepEqual(params.properties.kind, { type: 'string', enum: ['file'] });
  assert.equal(params.properties.when.format, 'date-time');
  assert.match(params.properties.path.description, /uri/);
  assert.deepEqual([params.properties.count.minimum, params.properties.count.maximum], [0, 10]);
  assert.deepEqual(params.required, ['path']);
});

test('I2: a tool whose schema has no properties has no parameters', async (t) => {
  const { upstream, client, model } = await setup(t, textStream);
  await client.messages.create({
    model,
    max_tokens: 50,
    messages: [user('hi')],
    tools: [
      { name: 'ExitPlanMode', input_schema: { type: 'object', properties: {} } },
      { name: 'Now', input_schema: { type: 'object' } },
    ],
  });
  const declarations = upstream.requests[0]!.body.tools[0].functionDeclarations;
  assert.deepEqual(declarations, [{ name: 'ExitPlanMode' }, { name: 'Now' }]);
});

test('I3: system → systemInstruction without the attribution block; roles mapped and merged', async (t) => {
  const { upstream, client, model } = await setup(t, textStream);
  await client.messages.create({
    model,
    max_tokens: 50,
    system: [
      {
        type: 'text',
        text: 'x-anthropic-billing-header: cc_version=2.1.200.abc; cc_entrypoint=cli; cch=1f2e3;',
      },
      { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Be terse.' },
    ],
    messages: [user('one'), user('two'), { role: 'assistant', content: 'three' }, user('four')],
  });
  const body = upstream.requests[0]!.body;
  assert.deepEqual(body.systemInstruction, {
    parts: [{ text: 'You are Claude Code.\n\nBe terse.' }],
  });
  assert.deepEqual(body.contents, [
    { role: 'user', parts: [{ text: 'one' }, { text: 'two' }] },
    { role: 'model', parts: [{ text: 'three' }] },
    { role: 'user', parts: [{ text: 'four' }] },
  ]);
  assert.equal(upstream.requests[0]!.headers['x-goog-api-key'], 'g-key');
  assert.equal(upstream.requests[0]!.url, '/v1beta/models/gemini-2.5-pro:generateContent');
});

/** A Claude Code-shaped history: the model called Bash, the result came back. */
const toolHistory = (thinking: Anthropic.ThinkingBlockParam[]): Anthropic.MessageParam[] => [
  user('list the files'),
  {
    role: 'assistant',
    content: [
      ...thinking,
      { type: 'tool_use', id: 'toolu_01', name: 'Bash', input: { command: 'ls' } },
    ],
  },
  {
    role: 'user',
    content: [
      { type: 'tool_result', tool_use_id: 'toolu_01', content: [{ type: 'text', text: 'a.ts' }] },
      { type: 'text', text: 'and?' },
    ],
  },
];

test('I4: a tool_result becomes a functionResponse named after the call, with an object response', async (t) => {
  const { upstream, client, model } = await setup(t, textStream);
  const history = toolHistory([]);
  await client.messages.create({ model, max_tokens: 50, messages: history });
  (history[2]!.content as Anthropic.ToolResultBlockParam[])[0]!.is_error = true;
  await client.messages.create({ model, max_tokens: 50, messages: history });
  const [ok, failed] = upstream.requests.map((r) => r.body.contents[2]);
  assert.deepEqual(ok, {
    role: 'user',
    parts: [
      { functionResponse: { id: 'toolu_01', name: 'Bash', response: { output: 'a.ts' } } },
      { text: 'and?' },
    ],
  });
  assert.deepEqual(failed.parts[0].functionResponse.response, { error: 'a.ts' });
});

test('I5, I8: streamed thought and functionCall → thinking and tool_use; usage mapped', async (t) => {
  const { client, model } = await setup(t, callStream);
  const stream = client.messages.stream({
    model,
    max_tokens: 500,
    messages: [user('list files')],
    thinking: { type: 'enabled', budget_tokens: 2048 },
  });
  const message = await stream.finalMessage();
  assert.deepEqual(
    message.content.map((b) => b.type),
    ['thinking', 'tool_use'],
  );
  const [thinking, call] = message.content as [Anthropic.ThinkingBlock, Anthropic.ToolUseBlock];
  assert.match(thinking.thinking, /list the directory/);
  assert.equal(thinking.signature, mintSignature('gemini', 'CiQB0e2Kb7Zsig1'));
  assert.equal(call.name, 'Bash');
  assert.deepEqual(call.input, { command: 'ls -la', description: 'List files' });
  assert.match(call.id, /^[a-zA-Z0-9_-]+$/);
  assert.equal(message.stop_reason, 'tool_use');
  assert.equal(message.usage.input_tokens, 1520);
  assert.equal(message.usage.output_tokens, 25 + 112);
});

test('I8: input_tokens = prompt − cached + tool-use prompt; output = candidates + thoughts', async (t) => {
  const { client, model } = await setup(t, textStream);
  const message = await client.messages
    .stream({ model, max_tokens: 50, messages: [user('hi')] })
    .finalMessage();
  assert.deepEqual(
    message.content,
    [{ type: 'text', text: 'Hello, world.', citations: null }].map(({ citations: _, ...b }) => b),
  );
  assert.equal(message.usage.input_tokens, 2000 - 1500 + 10);
  assert.equal(message.usage.cache_read_input_tokens, 1500);
  assert.equal(message.usage.output_tokens, 10);
  assert.equal(message.stop_reason, 'end_turn');
});

test('I6: a thought signature comes back on the same functionCall part next turn', async (t) => {
  const { upstream, client, model } = await setup(t, callStream);
  const first = await client.messages
    .stream({ model, max_tokens: 500, messages: [user('list the files')] })
    .finalMessage();
  // Claude Code replays the assistant content as it received it.
  const history: Anthropic.MessageParam[] = [
    user('list the files'),
    { role: 'assistant', content: first.content as Anthropic.ContentBlockParam[] },
    {
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: (first.content[1] as Anthropic.ToolUseBlock).id,
          content: 'a.ts',
        },
      ],
    },
  ];
  await client.messages.create({ model, max_tokens: 500, messages: history });
  const modelTurn = upstream.requests[1]!.body.contents[1];
  assert.equal(modelTurn.parts.length, 1);
  assert.equal(modelTurn.parts[0].thoughtSignature, 'CiQB0e2Kb7Zsig1');
  assert.equal(modelTurn.parts[0].functionCall.name, 'Bash');
});

test('I6: parallel calls keep the signature on the first call only (non-streaming)', async (t) => {
  const { upstream, client, model } = await setup(
    t,
    (_req, res) => replyJson(res, 200, json('response-parallel-calls.json')),
    'gemini-3-pro-preview',
  );
  const first = await client.messages.create({
    model,
    max_tokens: 500,
    messages: [user('read a and b')],
  });
  assert.deepEqual(
    first.content.map((b) => b.type),
    ['text', 'thinking', 'tool_use', 'tool_use'],
  );
  assert.equal(first.stop_reason, 'tool_use');
  const ids = first.content.flatMap((b) => (b.type === 'tool_use' ? [b.id] : []));
  await client.messages.create({
    model,
    max_tokens: 500,
    messages: [
      user('read a and b'),
      { role: 'assistant', content: first.content as Anthropic.ContentBlockParam[] },
      {
        role: 'user',
        content: ids.map((id) => ({ type: 'tool_result' as const, tool_use_id: id, content: 'x' })),
      },
    ],
  });
  const parts = upstream.requests[1]!.body.contents[1].parts;
  assert.deepEqual(
    parts.map((p: { thoughtSignature?: string }) => p.thoughtSignature),
    [undefined, 'CiQB0e2Kb-parallel', undefined],
  );
  assert.deepEqual(
    upstream.requests[1]!.body.contents[2].parts.map(
      (p: { functionResponse: { name: string } }) => p.functionResponse.name,
    ),
    ['Read', 'Read'],
  );
});

test('I7: history call parts without a signature go to Gemini 3 with the bypass signature', async (t) => {
  const { upstream, client, model } = await setup(t, textStream, 'gemini-3-pro-preview');
  const anthropicThinking = {
    type: 'thinking' as const,
    thinking: 'from claude',
    signature: 'EqQBgenuine',
  };
  await client.messages.create({
    model,
    max_tokens: 50,
    messages: toolHistory([anthropicThinking]),
  });
  const parts = upstream.requests[0]!.body.contents[1].parts;
  assert.equal(parts.length, 1, 'thinking of another provider is dropped');
  assert.equal(parts[0].thoughtSignature, BYPASS_SIGNATURE);
});

test('I9: MAX_TOKENS → max_tokens; SAFETY → refusal; a blocked prompt → refusal', async (t) => {
  const cases = [
    [
      { candidates: [{ content: { parts: [{ text: 'cut' }] }, finishReason: 'MAX_TOKENS' }] },
      'max_tokens',
    ],
    [{ candidates: [{ content: { parts: [{ text: 'no' }] }, finishReason: 'SAFETY' }] }, 'refusal'],
    [
      {
        promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
        usageMetadata: { promptTokenCount: 9 },
      },
      'refusal',
    ],
  ] as const;
  for (const [chunk, reason] of cases) {
    const { client, model } = await setup(t, (_req, res) =>
      replySse(res, [`data: ${JSON.stringify(chunk)}\r\n\r\n`]),
    );
    const message = await client.messages
      .stream({ model, max_tokens: 5, messages: [user('hi')] })
      .finalMessage();
    assert.equal(message.stop_reason, reason);
  }
});

test('I10: SSE with \\r\\n\\r\\n separators and no [DONE] is parsed fully and ends with message_stop', async (t) => {
  // The whole stream in one write, and then split mid-separator: both must parse.
  const whole = fixture('stream-text.sse');
  const split = [
    whole.slice(0, whole.indexOf('\r\n\r\n') + 1),
    whole.slice(whole.indexOf('\r\n\r\n') + 1),
  ];
  for (const body of [[whole], split]) {
    const { client, model } = await setup(t, (_req, res) => replySse(res, body));
    const types: string[] = [];
    const stream = client.messages.stream({ model, max_tokens: 5, messages: [user('hi')] });
    stream.on('streamEvent', (event) => types.push(event.type));
    const message = await stream.finalMessage();
    assert.equal(types.at(-1), 'message_stop');
    assert.equal((message.content[0] as Anthropic.TextBlock).text, 'Hello, world.');
  }
});

test("I11: RESOURCE_EXHAUSTED with retryDelay 31s → 429 retry-after 31; API_KEY_INVALID → 403 (ccproxy's key, E1)", async (t) => {
  const cases = [
    ['error-resource-exhausted.json', 429, 429, 'rate_limit_error', '31'],
    // ccproxy's configured key refused: 403, shown by Claude Code at once (see upstreamError).
    ['error-api-key-invalid.json', 400, 403, 'permission_error', null],
  ] as const;
  for (const [file, upstreamStatus, status, type, retryAfter] of cases) {
    const { client, model } = await setup(t, (_req, res) =>
      replyJson(res, upstreamStatus, json(file)),
    );
    const error = await client.messages
      .create({ model, max_tokens: 5, messages: [user('hi')] })
      .catch((e: unknown) => e);
    const e = error as InstanceType<typeof Anthropic.APIError>;
    assert.equal(e.status, status);
    assert.equal((e.error as { error: { type: string } }).error.type, type);
    assert.equal(e.headers?.get('retry-after') ?? null, retryAfter);
    assert.match(e.message, /gemini: /);
  }
});

test('E11: an error chunk inside the stream becomes an SSE error event', async (t) => {
  const first = fixture('stream-text.sse').split('\r\n\r\n')[0]!;
  const { client, model } = await setup(t, (_req, res) =>
    replySse(res, [
      `${first}\r\n\r\n`,
      sseData({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }),
    ]),
  );
  const stream = client.messages.stream({ model, max_tokens: 5, messages: [user('hi')] });
  await assert.rejects(stream.finalMessage(), /overloaded/);
});

test('G1: count_tokens uses Gemini countTokens with system and tools', async (t) => {
  const { upstream, client, model } = await setup(t, (_req, res) =>
    replyJson(res, 200, { totalTokens: 321 }),
  );
  const count = await client.messages.countTokens({
    model,
    system: 'Be terse.',
    messages: [user('hi')],
  });
  assert.equal(count.input_tokens, 321);
  assert.equal(upstream.requests[0]!.url, '/v1beta/models/gemini-2.5-pro:countTokens');
  assert.deepEqual(upstream.requests[0]!.body.generateContentRequest.systemInstruction, {
    parts: [{ text: 'Be terse.' }],
  });
});

test('Vertex-style base URLs are used without apiVersion; streaming asks for alt=sse', async (t) => {
  const upstream = await scriptedUpstream(t, textStream);
  const baseUrl = `${upstream.url}/v1/projects/p1/locations/us-central1/publishers/google`;
  const { client } = await startTestProxy(t, {
    plugins: [gemini({ baseUrl, headers: { authorization: 'Bearer ya29.token' } })],
  });
  await client.messages
    .stream({ model: 'gemini,gemini-2.5-flash', max_tokens: 5, messages: [user('hi')] })
    .finalMessage();
  assert.equal(
    upstream.requests[0]!.url,
    '/v1/projects/p1/locations/us-central1/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
  );
  assert.equal(upstream.requests[0]!.headers.authorization, 'Bearer ya29.token');
});

test('thinking budgets become thinkingConfig; Gemini 3 gets a level', async (t) => {
  const { upstream, client } = await setup(t, textStream);
  const think = { type: 'enabled' as const, budget_tokens: 4096 };
  await client.messages.create({
    model: 'gemini,gemini-2.5-pro',
    max_tokens: 8000,
    messages: [user('hi')],
    thinking: think,
  });
  await client.messages.create({
    model: 'gemini,gemini-3-pro-preview',
    max_tokens: 8000,
    messages: [user('hi')],
    thinking: think,
  });
  await client.messages.create({
    model: 'gemini,gemini-2.5-flash',
    max_tokens: 8000,
    messages: [user('hi')],
    thinking: { type: 'disabled' },
  });
  // Claude Code sends adaptive thinking for any model name; a model without thinking must not get it.
  const adaptive = { type: 'adaptive' } as unknown as Anthropic.ThinkingConfigParam;
  await client.messages
    .stream({
      model: 'gemini,gemini-2.0-flash',
      max_tokens: 100000,
      messages: [user('hi')],
      thinking: adaptive,
    })
    .finalMessage();
  const configs = upstream.requests.map((r) => r.body.generationConfig.thinkingConfig);
  assert.deepEqual(configs, [
    { thinkingBudget: 4096, includeThoughts: true },
    { thinkingLevel: 'LOW', includeThoughts: true },
    { thinkingBudget: 0 },
    undefined,
  ]);
  assert.equal(
    upstream.requests[3]!.body.generationConfig.maxOutputTokens,
    65536,
    'clamped to what Gemini models produce',
  );
});

test('A7: a mid-conversation system message reaches Gemini as marked user text, after the call responses', async (t) => {
  const { upstream, client, model } = await setup(t, textStream);
  const messages = [
    ...toolHistory([]).slice(0, 2),
    { role: 'system', content: 'The user changed the plan.' },
    ...toolHistory([]).slice(2),
  ] as unknown as Anthropic.MessageParam[];
  await client.messages.create({ model, max_tokens: 50, messages });
  const turn = upstream.requests[0]!.body.contents[2];
  assert.deepEqual(turn.parts, [
    { functionResponse: { id: 'toolu_01', name: 'Bash', response: { output: 'a.ts' } } },
    { text: '[System message] The user changed the plan.' },
    { text: 'and?' },
  ]);
});
