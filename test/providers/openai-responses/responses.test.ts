import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import { openaiResponses } from '../../../plugins/index.ts';
import { mintSignature } from '../../../plugins/providers/shared/signature.ts';
import { startTestProxy, user } from '../../helpers/proxy.ts';
import {
  replyJson,
  replySse,
  scriptedUpstream,
  type UpstreamHandler,
} from '../../helpers/upstream.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/openai-responses/${name}`, import.meta.url), 'utf8');
const sse =
  (name: string): UpstreamHandler =>
  (_req, res) =>
    replySse(res, fixture(name).split(/(?<=\n\n)/));
const ENCRYPTED = 'gAAAAABor0A1encrypted-reasoning-blob==';

async function setup(t: TestContext, handler: UpstreamHandler | UpstreamHandler[]) {
  const upstream = await scriptedUpstream(t, handler);
  const { client } = await startTestProxy(t, {
    plugins: [
      openaiResponses({
        name: 'responses',
        baseUrl: `${upstream.url}/v1`,
        apiKey: 'sk-openai',
        models: ['gpt-5-codex'],
      }),
    ],
  });
  return { upstream, client, model: 'responses,gpt-5-codex' };
}

test('J1: tool_use/tool_result history becomes function_call/function_call_output items with matching call_id', async (t) => {
  const { upstream, client, model } = await setup(t, sse('stream-incomplete.sse'));
  await client.messages
    .stream({
      model,
      max_tokens: 100,
      messages: [
        user('list files'),
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Running ls.' },
            { type: 'tool_use', id: 'toolu_01', name: 'Bash', input: { command: 'ls' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_01', content: 'a.ts', is_error: true },
            { type: 'text', text: 'why?' },
          ],
        },
      ],
    })
    .finalMessage();
  const body = upstream.requests[0]!.body;
  assert.equal(upstream.requests[0]!.url, '/v1/responses');
  assert.equal(upstream.requests[0]!.headers.authorization, 'Bearer sk-openai');
  assert.deepEqual(body.input, [
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'list files' }] },
    { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Running ls.' }] },
    { type: 'function_call', call_id: 'toolu_01', name: 'Bash', arguments: '{"command":"ls"}' },
    { type: 'function_call_output', call_id: 'toolu_01', output: 'Error: a.ts' },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'why?' }] },
  ]);
});

test('J2: reasoning summaries → thinking, text → text, argument deltas → input_json_delta of the call', async (t) => {
  const { client, model } = await setup(t, sse('stream-reasoning-call.sse'));
  const stream = client.messages.stream({
    model,
    max_tokens: 1000,
    messages: [user('list files')],
    thinking: { type: 'enabled', budget_tokens: 4096 },
  });
  const deltas: string[] = [];
  stream.on('streamEvent', (e) => e.type === 'content_block_delta' && deltas.push(e.delta.type));
  const message = await stream.finalMessage();
  assert.deepEqual(
    message.content.map((b) => b.type),
    ['thinking', 'text', 'tool_use'],
  );
  const [thinking, text, call] = message.content as [
    Anthropic.ThinkingBlock,
    Anthropic.TextBlock,
    Anthropic.ToolUseBlock,
  ];
  assert.equal(thinking.thinking, '**Listing files**\n\nI will run ls.');
  assert.equal(
    thinking.signature,
    mintSignature('responses', `rs_68af4030baa48193b0b43b4c2a176a1a:${ENCRYPTED}`),
  );
  assert.equal(text.text, 'Listing the files.');
  assert.equal(call.id, 'call_DF3wZtLnHCaLQv2Hx1fkSJ0e');
  assert.equal(call.name, 'Bash');
  assert.deepEqual(call.input, { command: 'ls -la' });
  assert.equal(deltas.filter((d) => d === 'input_json_delta').length, 2);
  assert.equal(message.stop_reason, 'tool_use');
  assert.equal(message.usage.input_tokens, 3000 - 2048);
  assert.equal(message.usage.cache_read_input_tokens, 2048);
  assert.equal(message.usage.output_tokens, 180);
});

test('J3: incomplete/max_output_tokens → max_tokens; failed → SSE error', async (t) => {
  const { client, model } = await setup(t, [
    sse('stream-incomplete.sse'),
    sse('stream-failed.sse'),
  ]);
  const cut = await client.messages
    .stream({ model, max_tokens: 16, messages: [user('hi')] })
    .finalMessage();
  assert.equal(cut.stop_reason, 'max_tokens');
  assert.equal((cut.content[0] as Anthropic.TextBlock).text, 'A very long');
  const types: string[] = [];
  const failed = client.messages.stream({ model, max_tokens: 16, messages: [user('hi')] });
  failed.on('streamEvent', (e) => types.push(e.type));
  await assert.rejects(failed.finalMessage(), /server had an error/);
  assert.ok(!types.includes('message_stop'));
});

test('J4: store false, a prompt_cache_key stable across a conversation, no attribution block', async (t) => {
  const { upstream, client, model } = await setup(t, sse('stream-incomplete.sse'));
  const system: Anthropic.TextBlockParam[] = [
    {
      type: 'text',
      text: 'x-anthropic-billing-header: cc_version=2.1.200.abc; cc_entrypoint=cli; cch=1f2e3;',
    },
    { type: 'text', text: 'You are Claude Code.' },
  ];
  const session = {
    headers: { 'x-claude-code-session-id': '4b1c9f5e-2f7a-4d55-9c1e-1c0f9d7b8a10' },
  };
  for (const cch of ['1f2e3', '9a8b7']) {
    const turn = [{ ...system[0]!, text: system[0]!.text.replace('1f2e3', cch) }, system[1]!];
    await client.messages
      .stream({ model, max_tokens: 16, system: turn, messages: [user('hi')] }, session)
      .finalMessage();
  }
  await client.messages
    .stream(
      { model, max_tokens: 16, system, messages: [user('hi')] },
      { headers: { 'x-claude-code-session-id': 'another' } },
    )
    .finalMessage();
  const bodies = upstream.requests.map((r) => r.body);
  for (const body of bodies) {
    assert.equal(body.store, false);
    assert.equal(body.instructions, 'You are Claude Code.');
  }
  assert.ok(bodies[0].prompt_cache_key);
  assert.equal(bodies[0].prompt_cache_key, bodies[1].prompt_cache_key);
  assert.notEqual(bodies[0].prompt_cache_key, bodies[2].prompt_cache_key);
});

test('J4: without the header, the session in metadata.user_id keys the cache (both forms)', async (t) => {
  const { upstream, client, model } = await setup(t, sse('stream-incomplete.sse'));
  const ids = [
    'user_abc123_account_0f0e_session_4b1c9f5e-2f7a-4d55-9c1e-1c0f9d7b8a10',
    JSON.stringify({
      device_id: 'd',
      account_uuid: 'a',
      session_id: '4b1c9f5e-2f7a-4d55-9c1e-1c0f9d7b8a10',
    }),
  ];
  for (const user_id of ids)
    await client.messages
      .stream({ model, max_tokens: 16, messages: [user('hi')], metadata: { user_id } })
      .finalMessage();
  const [a, b] = upstream.requests.map((r) => r.body);
  assert.ok(a.prompt_cache_key);
  assert.equal(a.prompt_cache_key, b.prompt_cache_key);
  assert.equal(a.metadata, undefined);
});

test('reasoning comes back as a reasoning item with its id and encrypted content; other thinking, and reasoning without its id, is dropped', async (t) => {
  const { upstream, client, model } = await setup(t, [
    sse('stream-reasoning-call.sse'),
    sse('stream-incomplete.sse'),
  ]);
  const first = await client.messages
    .stream({
      model,
      max_tokens: 1000,
      messages: [user('list files')],
      thinking: { type: 'enabled', budget_tokens: 4096 },
    })
    .finalMessage();
  const call = first.content[2] as Anthropic.ToolUseBlock;
  await client.messages
    .stream({
      model,
      max_tokens: 1000,
      thinking: { type: 'enabled', budget_tokens: 4096 },
      messages: [
        { role: 'user', content: 'earlier' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'claude thought', signature: 'EqQBgenuine' },
            // Minted before reasoning items kept their id: the API rejects a reasoning item without one.
            { type: 'thinking', thinking: 'old', signature: mintSignature('responses', ENCRYPTED) },
            { type: 'text', text: 'ok' },
          ],
        },
        user('list files'),
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'a.ts' }] },
      ],
    })
    .finalMessage();
  const body = upstream.requests[1]!.body;
  const reasoning = body.input.filter((item: { type: string }) => item.type === 'reasoning');
  assert.deepEqual(reasoning, [
    {
      type: 'reasoning',
      id: 'rs_68af4030baa48193b0b43b4c2a176a1a',
      summary: [{ type: 'summary_text', text: '**Listing files**\n\nI will run ls.' }],
      encrypted_content: ENCRYPTED,
    },
  ]);
  assert.deepEqual(body.include, ['reasoning.encrypted_content']);
  assert.deepEqual(body.reasoning, { effort: 'medium', summary: 'auto' });
  assert.equal(body.input.at(-1).call_id, 'call_DF3wZtLnHCaLQv2Hx1fkSJ0e');
});

test('a non-streaming client gets the same Message from a non-streaming upstream', async (t) => {
  const { upstream, client, model } = await setup(t, (_req, res) =>
    replyJson(res, 200, JSON.parse(fixture('response-text.json'))),
  );
  const message = await client.messages.create({ model, max_tokens: 100, messages: [user('hi')] });
  assert.equal(upstream.requests[0]!.body.stream, false);
  assert.deepEqual(
    message.content.map((b) => (b as Anthropic.TextBlock).text),
    ['Hello from Responses.'],
  );
  assert.equal(message.stop_reason, 'end_turn');
  assert.equal(message.usage.input_tokens, 120);
  assert.equal(message.model, model);
});

test('tools, tool_choice and parallel calls map to the Responses shapes', async (t) => {
  const { upstream, client, model } = await setup(t, sse('stream-incomplete.sse'));
  const long = `mcp__${'a'.repeat(70)}__search`;
  await client.messages
    .stream({
      model,
      max_tokens: 100,
      messages: [user('hi')],
      tools: [
        {
          name: long,
          description: 'Search',
          input_schema: { type: 'object', properties: { q: { type: 'string' } } },
        },
        { type: 'web_search_20250305', name: 'web_search' },
      ],
      tool_choice: { type: 'tool', name: long, disable_parallel_tool_use: true },
    })
    .finalMessage();
  const body = upstream.requests[0]!.body;
  assert.equal(body.tools.length, 1);
  assert.equal(body.tools[0].type, 'function');
  assert.ok(body.tools[0].name.length <= 64);
  assert.deepEqual(body.tool_choice, { type: 'function', name: body.tools[0].name });
  assert.equal(body.parallel_tool_calls, false);
});

test('E2: a 429 keeps its retry-after; E1: a refused configured key is 403 permission_error', async (t) => {
  const { client, model } = await setup(t, [
    (_req, res) =>
      replyJson(
        res,
        429,
        { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
        { 'retry-after': '7' },
      ),
    (_req, res) =>
      replyJson(res, 401, {
        error: {
          message: 'Incorrect API key provided',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      }),
  ]);
  const limited = (await client.messages
    .create({ model, max_tokens: 5, messages: [user('hi')] })
    .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
  assert.equal(limited.status, 429);
  assert.equal(limited.headers?.get('retry-after'), '7');
  const denied = (await client.messages
    .create({ model, max_tokens: 5, messages: [user('hi')] })
    .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
  assert.equal(denied.status, 403);
  assert.match(denied.message, /Incorrect API key/);
});

test('A7: a mid-conversation system message becomes a developer message, after the outputs of pending calls', async (t) => {
  const { upstream, client, model } = await setup(t, sse('stream-incomplete.sse'));
  const messages = [
    user('go'),
    { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'Bash', input: {} }] },
    { role: 'system', content: 'The user changed the plan.' },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'done' }] },
  ] as unknown as Anthropic.MessageParam[];
  await client.messages.stream({ model, max_tokens: 100, messages }).finalMessage();
  const types = upstream.requests[0]!.body.input.map(
    (i: { type: string; role?: string }) => i.role ?? i.type,
  );
  assert.deepEqual(types, ['user', 'function_call', 'function_call_output', 'developer']);
});

test('a non-reasoning model gets no reasoning for Claude Code’s adaptive thinking, and keeps temperature', async (t) => {
  const upstream = await scriptedUpstream(t, sse('stream-incomplete.sse'));
  const { client } = await startTestProxy(t, {
    plugins: [openaiResponses({ baseUrl: `${upstream.url}/v1`, apiKey: 'k' })],
  });
  const params = {
    max_tokens: 100,
    messages: [user('hi')],
    temperature: 0.2,
    thinking: { type: 'adaptive' },
  } as unknown as Anthropic.MessageCreateParamsNonStreaming;
  await client.messages.stream({ ...params, model: 'responses,gpt-4.1' }).finalMessage();
  await client.messages.stream({ ...params, model: 'responses,gpt-5-codex' }).finalMessage();
  const [plain, codex] = upstream.requests.map((r) => r.body);
  assert.equal(plain.reasoning, undefined);
  assert.equal(plain.include, undefined);
  assert.equal(plain.temperature, 0.2);
  assert.deepEqual(codex.reasoning, { effort: 'medium', summary: 'auto' });
  assert.equal(codex.temperature, undefined);
});
