import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import type { OpenAIOptions } from '../../../plugins/providers/openai/index.ts';
import { callChunk, chunk, completion, openaiReply, setup } from './helpers.ts';

// The SDK's types no longer list the deprecated sampling fields; Claude Code and others still send them.
type Params = Omit<Anthropic.MessageCreateParamsNonStreaming, 'model' | 'max_tokens'> & {
  model?: string;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  top_k?: number;
};

/** Sends `params` through the proxy (non-streaming unless `stream`) and returns the upstream's body. */
async function sent(
  t: TestContext,
  params: Params,
  options: OpenAIOptions & { stream?: boolean } = {},
) {
  const { stream, ...openaiOptions } = options;
  const { proxy, upstream } = await setup(
    t,
    openaiReply([chunk({ content: 'ok' }, 'stop')], completion({ content: 'ok' })),
    openaiOptions,
  );
  const body = {
    model: 'gpt-4o',
    max_tokens: 100,
    ...params,
  } as Anthropic.MessageCreateParamsNonStreaming;
  if (stream) await proxy.client.messages.stream(body).finalMessage();
  else await proxy.client.messages.create(body);
  return upstream.requests[0]!.body as Record<string, any>;
}

const schema = {
  type: 'object' as const,
  properties: { path: { type: 'string' } },
  required: ['path'],
};
const read: Anthropic.Tool = { name: 'Read', description: 'Reads a file', input_schema: schema };
const png =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const toolTurn: Anthropic.MessageParam[] = [
  { role: 'user', content: 'Read both files.' },
  {
    role: 'assistant',
    content: [
      { type: 'text', text: 'Reading.' },
      { type: 'tool_use', id: 'toolu_01', name: 'Read', input: { path: 'a.ts' } },
      { type: 'tool_use', id: 'toolu_02', name: 'Read', input: { path: 'b.ts' } },
    ],
  },
];

/** The upstream body for the tool turn above answered by `reply` (the next user turn's blocks). */
const answered = (
  t: TestContext,
  reply: Anthropic.ContentBlockParam[],
  options: OpenAIOptions = {},
) => sent(t, { tools: [read], messages: [...toolTurn, { role: 'user', content: reply }] }, options);
const bothResults: Anthropic.ContentBlockParam[] = [
  { type: 'tool_result', tool_use_id: 'toolu_01', content: 'A' },
  { type: 'tool_result', tool_use_id: 'toolu_02', content: 'B' },
];

test('C1: system text, string or blocks, arrives first and in order', async (t) => {
  const asString = await sent(t, {
    system: 'Be terse.',
    messages: [{ role: 'user', content: 'hi' }],
  });
  assert.deepEqual(asString.messages[0], { role: 'system', content: 'Be terse.' });
  const blocks = await sent(t, {
    system: [
      { type: 'text', text: 'One.' },
      { type: 'text', text: 'Two.', cache_control: { type: 'ephemeral' } },
    ],
    messages: [{ role: 'user', content: 'hi' }],
  });
  assert.deepEqual(blocks.messages.slice(0, 2), [
    { role: 'system', content: 'One.\n\nTwo.' },
    { role: 'user', content: 'hi' },
  ]);
});

test('C2: the attribution block never reaches the upstream; the other blocks do', async (t) => {
  const body = await sent(t, {
    system: [
      {
        type: 'text',
        text: 'x-anthropic-billing-header: cc_version=2.1.270.a1b; cc_entrypoint=cli; cch=0f3e2;',
      },
      { type: 'text', text: 'You are Claude Code.' },
    ],
    messages: [{ role: 'user', content: 'hi' }],
  });
  assert.deepEqual(body.messages[0], { role: 'system', content: 'You are Claude Code.' });
  assert.ok(!JSON.stringify(body).includes('x-anthropic-billing-header'));
});

test('C3: base64 images become data URLs, URL images keep their URL', async (t) => {
  const body = await sent(t, {
    messages: [
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          { type: 'text', text: 'Compare.' },
        ],
      },
    ],
  });
  assert.deepEqual(body.messages[0].content, [
    { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
    { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
    { type: 'text', text: 'Compare.' },
  ]);
});

test('C4, C5, C9: text and calls form one assistant message; results follow as tool messages in call order', async (t) => {
  const body = await answered(t, bothResults);
  const [, assistant, first, second] = body.messages;
  assert.equal(assistant.role, 'assistant');
  assert.equal(assistant.content, 'Reading.');
  assert.deepEqual(
    assistant.tool_calls.map((c: any) => [
      c.id,
      c.type,
      c.function.name,
      JSON.parse(c.function.arguments),
    ]),
    [
      ['toolu_01', 'function', 'Read', { path: 'a.ts' }],
      ['toolu_02', 'function', 'Read', { path: 'b.ts' }],
    ],
  );
  assert.deepEqual(first, { role: 'tool', tool_call_id: 'toolu_01', content: 'A' });
  assert.deepEqual(second, { role: 'tool', tool_call_id: 'toolu_02', content: 'B' });
  assert.equal(body.messages.length, 4);
});

test('C6, C7: tool messages come first, then the text; text parts are joined and errors marked', async (t) => {
  const body = await answered(t, [
    {
      type: 'tool_result',
      tool_use_id: 'toolu_01',
      content: [
        { type: 'text', text: 'line 1' },
        { type: 'text', text: 'line 2' },
      ],
    },
    { type: 'tool_result', tool_use_id: 'toolu_02', content: 'ENOENT', is_error: true },
    { type: 'text', text: 'Now fix it.' },
  ]);
  assert.deepEqual(body.messages.slice(2), [
    { role: 'tool', tool_call_id: 'toolu_01', content: 'line 1\nline 2' },
    { role: 'tool', tool_call_id: 'toolu_02', content: 'Error: ENOENT' },
    { role: 'user', content: 'Now fix it.' },
  ]);
});

test('C8: images in a tool result arrive in a user message right after the tool messages', async (t) => {
  const body = await answered(t, [
    {
      type: 'tool_result',
      tool_use_id: 'toolu_01',
      content: [
        { type: 'text', text: 'a screenshot' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
      ],
    },
    { type: 'tool_result', tool_use_id: 'toolu_02', content: 'B' },
  ]);
  const [tool1, tool2, media] = body.messages.slice(2);
  assert.deepEqual(tool1, { role: 'tool', tool_call_id: 'toolu_01', content: 'a screenshot' });
  assert.equal(tool2.role, 'tool');
  assert.equal(media.role, 'user');
  assert.deepEqual(media.content[1], {
    type: 'image_url',
    image_url: { url: `data:image/png;base64,${png}` },
  });
  assert.match(media.content[0].text, /toolu_01/);
  assert.ok(
    !JSON.stringify(body.messages.filter((m: any) => m.role === 'tool')).includes('image_url'),
  );
});

test('C10: custom tools arrive as functions with parameters equal to input_schema', async (t) => {
  const body = await sent(t, {
    tools: [{ ...read, cache_control: { type: 'ephemeral' } }],
    messages: [{ role: 'user', content: 'hi' }],
  });
  assert.deepEqual(body.tools, [
    {
      type: 'function',
      function: { name: 'Read', description: 'Reads a file', parameters: schema },
    },
  ]);
});

test('C11: a tool name over 64 characters is shortened upstream and mapped back in calls', async (t) => {
  const long = `mcp__${'plugin_server_'.repeat(4)}__search_everything_everywhere_all_at_once`;
  const { proxy, upstream } = await setup(t, (req, res, http) => {
    const short = req.body.tools[0].function.name;
    return openaiReply([
      callChunk(0, '{"path":"x"}', { id: 'call_1', name: short }),
      chunk({}, 'tool_calls'),
    ])(req, res, http);
  });
  const message = await proxy.client.messages
    .stream({
      model: 'gpt-4o',
      max_tokens: 100,
      tools: [{ ...read, name: long }],
      tool_choice: { type: 'tool', name: long },
      messages: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_9', name: long, input: {} }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: 'ok' }] },
      ],
    })
    .finalMessage();
  const body = upstream.requests[0]!.body;
  const short = body.tools[0].function.name as string;
  assert.ok(long.length > 64 && short.length <= 64 && /^[a-zA-Z0-9_-]+$/.test(short));
  assert.equal(body.tool_choice.function.name, short);
  assert.equal(body.messages[1].tool_calls[0].function.name, short);
  assert.equal((message.content[0] as Anthropic.ToolUseBlock).name, long);
});

test('C12: tool_choice auto, any, tool and none', async (t) => {
  const cases: [Anthropic.ToolChoice, unknown][] = [
    [{ type: 'auto' }, 'auto'],
    [{ type: 'any' }, 'required'],
    [
      { type: 'tool', name: 'Read' },
      { type: 'function', function: { name: 'Read' } },
    ],
    [{ type: 'none' }, 'none'],
  ];
  for (const [choice, expected] of cases) {
    const body = await sent(t, {
      tools: [read],
      tool_choice: choice,
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.deepEqual(body.tool_choice, expected);
  }
});

test('C13: disable_parallel_tool_use sends parallel_tool_calls false', async (t) => {
  const body = await sent(t, {
    tools: [read],
    tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    messages: [{ role: 'user', content: 'hi' }],
  });
  assert.equal(body.parallel_tool_calls, false);
  const without = await sent(t, {
    messages: [{ role: 'user', content: 'hi' }],
    tool_choice: { type: 'auto', disable_parallel_tool_use: true },
  });
  assert.equal(without.parallel_tool_calls, undefined, 'only together with tools');
});

test('C14: stop_sequences become stop; temperature and top_p pass unchanged', async (t) => {
  const body = await sent(t, {
    stop_sequences: ['END', '###'],
    temperature: 0.3,
    top_p: 0.9,
    top_k: 40,
    messages: [{ role: 'user', content: 'hi' }],
  });
  assert.deepEqual(body.stop, ['END', '###']);
  assert.equal(body.temperature, 0.3);
  assert.equal(body.top_p, 0.9);
  assert.equal(body.top_k, undefined);
});

test('C15: a streamed request asks for usage in the stream', async (t) => {
  const body = await sent(t, { messages: [{ role: 'user', content: 'hi' }] }, { stream: true });
  assert.equal(body.stream, true);
  assert.deepEqual(body.stream_options, { include_usage: true });
  const mistral = await sent(
    t,
    { messages: [{ role: 'user', content: 'hi' }] },
    { stream: true, vendor: 'mistral' },
  );
  assert.equal(mistral.stream, true);
  assert.equal(mistral.stream_options, undefined, 'the Mistral profile turns stream_options off');
});

test('C16: max_tokens is clamped; OpenAI reasoning models get max_completion_tokens and no temperature', async (t) => {
  const clamped = await sent(
    t,
    { max_tokens: 32000, messages: [{ role: 'user', content: 'hi' }] },
    { maxTokens: { max: 4096 }, stream: true },
  );
  assert.equal(clamped.max_tokens, 4096);
  const raised = await sent(
    t,
    { max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
    { maxTokens: { min: 256 } },
  );
  assert.equal(raised.max_tokens, 256);
  const reasoning = await sent(
    t,
    {
      model: 'openai,o4-mini',
      max_tokens: 8000,
      temperature: 0.2,
      messages: [{ role: 'user', content: 'hi' }],
    },
    { vendor: 'openai', stream: true },
  );
  assert.equal(reasoning.model, 'o4-mini');
  assert.equal(reasoning.max_completion_tokens, 8000);
  assert.equal(reasoning.max_tokens, undefined);
  assert.equal(reasoning.temperature, undefined);
});

test('C17: server tools and Anthropic-schema tools never arrive as parameterless functions', async (t) => {
  const body = await sent(t, {
    tools: [
      read,
      { type: 'web_search_20250305', name: 'web_search', max_uses: 5 },
      { type: 'bash_20250124', name: 'bash' },
      { type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' },
    ] as Anthropic.ToolUnion[],
    tool_choice: { type: 'tool', name: 'web_search' },
    messages: [{ role: 'user', content: 'hi' }],
  });
  assert.deepEqual(
    body.tools.map((tool: any) => tool.function.name),
    ['Read'],
  );
  assert.equal(body.tool_choice, undefined, 'a forced tool that was left out is not forced');
  const only = await sent(t, {
    tools: [{ type: 'web_search_20250305', name: 'web_search' }] as Anthropic.ToolUnion[],
    messages: [{ role: 'user', content: 'hi' }],
  });
  assert.equal(only.tools, undefined);
});

test('C18: thinking budgets become reasoning_effort buckets; disabled sends none', async (t) => {
  const think = (thinking: Anthropic.ThinkingConfigParam, extra: Partial<Params> = {}): Params => ({
    max_tokens: 8000,
    thinking,
    messages: [{ role: 'user', content: 'hi' }],
    ...extra,
  });
  assert.equal(
    (await sent(t, think({ type: 'enabled', budget_tokens: 1024 }))).reasoning_effort,
    'low',
  );
  assert.equal(
    (await sent(t, think({ type: 'enabled', budget_tokens: 3000 }))).reasoning_effort,
    'medium',
  );
  assert.equal(
    (await sent(t, think({ type: 'enabled', budget_tokens: 6000 }))).reasoning_effort,
    'high',
  );
  const adaptive = await sent(
    t,
    think({ type: 'adaptive' }, { output_config: { effort: 'medium' } }),
  );
  assert.equal(adaptive.reasoning_effort, 'medium');
  assert.equal((await sent(t, think({ type: 'disabled' }))).reasoning_effort, undefined);
  const openrouter = await sent(t, think({ type: 'enabled', budget_tokens: 5000 }), {
    vendor: 'openrouter',
  });
  assert.deepEqual(openrouter.reasoning, { max_tokens: 5000 });
  assert.equal(openrouter.reasoning_effort, undefined);
  const gpt4o = await sent(t, think({ type: 'enabled', budget_tokens: 5000 }), {
    vendor: 'openai',
  });
  assert.equal(gpt4o.reasoning_effort, undefined, 'OpenAI models without reasoning get no effort');
  const ollamaOff = await sent(t, think({ type: 'disabled' }), { vendor: 'ollama' });
  assert.equal(ollamaOff.reasoning_effort, 'none');
});

test('C19: DeepSeek in thinking mode gets reasoning_content on every past tool-call turn', async (t) => {
  const body = await sent(
    t,
    {
      model: 'deepseek-reasoner',
      tools: [read],
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [
        { role: 'user', content: 'Read a.ts' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'I should read it.', signature: 'ccp1.openai.' },
            { type: 'tool_use', id: 'call_1', name: 'Read', input: { path: 'a.ts' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'A' }] },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'call_2', name: 'Read', input: { path: 'b.ts' } }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_2', content: 'B' }] },
      ],
    },
    { vendor: 'deepseek' },
  );
  const calls = body.messages.filter((m: any) => m.role === 'assistant');
  assert.deepEqual(
    calls.map((m: any) => m.reasoning_content),
    ['I should read it.', ''],
  );
  assert.deepEqual(body.thinking, { type: 'enabled' });
});

test('C20: metadata.user_id is not forwarded', async (t) => {
  const userId = 'user_abc123_account_5f1e_session_9c2d';
  const body = await sent(t, {
    metadata: { user_id: userId },
    messages: [{ role: 'user', content: 'hi' }],
  });
  assert.ok(!JSON.stringify(body).includes(userId));
});

test('C22: Mistral gets 9-alphanumeric tool ids, each call id equal to its tool_call_id', async (t) => {
  const body = await answered(t, bothResults, { vendor: 'mistral' });
  const ids = body.messages[1].tool_calls.map((c: any) => c.id);
  assert.ok(ids.every((id: string) => /^[a-zA-Z0-9]{9}$/.test(id)));
  assert.notEqual(ids[0], ids[1]);
  assert.deepEqual(
    body.messages.slice(2).map((m: any) => m.tool_call_id),
    ids,
  );
  const again = await answered(t, bothResults, { vendor: 'mistral' });
  assert.deepEqual(
    again.messages[1].tool_calls.map((c: any) => c.id),
    ids,
    'deterministic',
  );
});

test('D11: a sanitised upstream id sent back reaches the upstream as its own id', async (t) => {
  const { proxy, upstream } = await setup(t, [
    openaiReply([
      callChunk(0, '{"path":"a"}', { id: 'functions.Read:0', name: 'Read' }),
      chunk({}, 'tool_calls'),
    ]),
    openaiReply([], completion({ content: 'done' })),
  ]);
  const first = await proxy.client.messages
    .stream({
      model: 'gpt-4o',
      max_tokens: 100,
      tools: [read],
      messages: [{ role: 'user', content: 'go' }],
    })
    .finalMessage();
  const call = first.content[0] as Anthropic.ToolUseBlock;
  assert.match(call.id, /^[a-zA-Z0-9_-]+$/);
  await proxy.client.messages.create({
    model: 'gpt-4o',
    max_tokens: 100,
    tools: [read],
    messages: [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'A' }] },
    ],
  });
  const replay = upstream.requests[1]!.body;
  assert.equal(replay.messages[1].tool_calls[0].id, 'functions.Read:0');
  assert.equal(replay.messages[2].tool_call_id, 'functions.Read:0');
});

test('A7: a mid-conversation system message keeps its place, after the tool messages it follows', async (t) => {
  const body = await sent(t, {
    tools: [read],
    messages: [
      ...toolTurn,
      { role: 'system', content: 'The user switched to plan mode.' },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_01', content: 'A' },
          { type: 'tool_result', tool_use_id: 'toolu_02', content: 'B' },
          { type: 'text', text: 'next' },
        ],
      },
    ] as Anthropic.MessageParam[],
  });
  assert.deepEqual(
    body.messages.map((m: any) => m.role),
    ['user', 'assistant', 'tool', 'tool', 'system', 'user'],
  );
  assert.equal(body.messages[4].content, 'The user switched to plan mode.');
});

test('documents: a base64 PDF becomes a file part, a text document its text (PROTOCOL §7.2)', async (t) => {
  const pdf = 'JVBERi0xLjQKJcTl8uXr';
  const body = await sent(t, {
    messages: [
      {
        role: 'user',
        content: [
          {
            type: 'document',
            title: 'spec',
            source: { type: 'base64', media_type: 'application/pdf', data: pdf },
          },
          {
            type: 'document',
            source: { type: 'text', media_type: 'text/plain', data: 'Plain notes.' },
          },
          { type: 'text', text: 'Summarise.' },
        ],
      },
    ],
  });
  assert.deepEqual(body.messages[0].content, [
    {
      type: 'file',
      file: { file_data: `data:application/pdf;base64,${pdf}`, filename: 'spec.pdf' },
    },
    { type: 'text', text: 'Plain notes.' },
    { type: 'text', text: 'Summarise.' },
  ]);
});
