import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import { shortToolName } from '../../../plugins/providers/shared/tool-names.ts';
import type { ChatChunk } from '../../../plugins/providers/openai/types.ts';
import {
  callChunk,
  assertGrammar,
  assertNoRepairs,
  chunk,
  completion,
  openaiReply,
  rawStream,
  setup,
  usageChunk,
} from './helpers.ts';

const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/openai/claude-code/request.json', import.meta.url), 'utf8'),
) as {
  request: Anthropic.MessageCreateParamsStreaming;
};
const request = fixture.request;
const screenshot = 'mcp__plugin_playwright_playwright__browser_take_screenshot_of_the_current_page';
const short = shortToolName(screenshot);

/** The upstream's answer to the conversation, streamed as an OpenAI server would. */
const chunks: ChatChunk[] = [
  chunk({ role: 'assistant', content: null, reasoning_content: 'The fix is in. ' }),
  chunk({ reasoning_content: 'Run the tests and look at CI.' }),
  chunk({ content: 'Running the tests ' }),
  chunk({ content: 'and checking the page.' }),
  callChunk(0, '', { id: 'call_r1', name: 'Bash' }),
  callChunk(0, '{"command":"npm test",'),
  callChunk(0, '"description":"Run the test suite"}'),
  callChunk(1, '{"fullPage":', { id: 'call_r2', name: short }),
  callChunk(1, 'true}'),
  chunk({}, 'tool_calls'),
  usageChunk(5200, 90, 4096),
];
/** The same answer as one non-streaming response. */
const response = completion(
  {
    role: 'assistant',
    reasoning_content: 'The fix is in. Run the tests and look at CI.',
    content: 'Running the tests and checking the page.',
    tool_calls: [
      {
        id: 'call_r1',
        type: 'function',
        function: {
          name: 'Bash',
          arguments: '{"command":"npm test","description":"Run the test suite"}',
        },
      },
      {
        id: 'call_r2',
        type: 'function',
        function: { name: short, arguments: '{"fullPage":true}' },
      },
    ],
  },
  'tool_calls',
  {
    prompt_tokens: 5200,
    completion_tokens: 90,
    prompt_tokens_details: { cached_tokens: 4096 },
  } as never,
);

/** A message as JSON, without its random id and the fields the SDK's stream helper adds. */
function folded(message: Anthropic.Message): unknown {
  const {
    id: _id,
    parsed_output: _parsed,
    ...rest
  } = JSON.parse(JSON.stringify(message)) as Anthropic.Message & { parsed_output?: unknown };
  return rest;
}

test('B9, D17: a Claude Code conversation round-trips streaming and not with identical folded results', async (t) => {
  const { proxy, upstream } = await setup(t, openaiReply(chunks, response));
  const streamed = await proxy.client.messages.stream(request).finalMessage();
  const plain = await proxy.client.messages.create(
    { ...request, stream: false },
    { timeout: 60_000 },
  );
  assert.match(streamed.id, /^msg_/);
  assert.match(plain.id, /^msg_/);
  assert.deepEqual(folded(streamed), folded(plain));
  assert.deepEqual(streamed.content, [
    {
      type: 'thinking',
      thinking: 'The fix is in. Run the tests and look at CI.',
      signature: 'ccp1.openai.',
    },
    { type: 'text', text: 'Running the tests and checking the page.' },
    {
      type: 'tool_use',
      id: 'call_r1',
      name: 'Bash',
      input: { command: 'npm test', description: 'Run the test suite' },
    },
    { type: 'tool_use', id: 'call_r2', name: screenshot, input: { fullPage: true } },
  ]);
  assert.equal(streamed.stop_reason, 'tool_use');
  assert.equal(streamed.model, request.model);
  assert.deepEqual(
    { ...streamed.usage },
    {
      input_tokens: 1104,
      output_tokens: 90,
      cache_read_input_tokens: 4096,
      cache_creation_input_tokens: 0,
    },
  );

  const [asStream, asPlain] = upstream.requests.map((r) => r.body as Record<string, any>);
  assert.deepEqual(
    { ...asStream, stream: false, stream_options: undefined },
    { ...asPlain, stream_options: undefined },
  );
  assertNoRepairs(proxy);
});

test('C1, C2, C8, C10, C11, C17, C18, C20: the Claude Code request as the upstream receives it', async (t) => {
  const { proxy, upstream } = await setup(t, openaiReply(chunks, response));
  const { events } = await rawStream(proxy, request as unknown as Record<string, unknown>);
  assertGrammar(events);
  const body = upstream.requests[0]!.body as Record<string, any>;
  assert.equal(body.model, request.model);
  assert.equal(body.messages[0].role, 'system');
  assert.match(
    body.messages[0].content,
    /^You are Claude Code, Anthropic's official CLI for Claude\.\n\nYou are an interactive CLI tool/,
  );
  assert.ok(!JSON.stringify(body).includes('x-anthropic-billing-header'));
  assert.deepEqual(
    body.messages.map((m: any) => m.role),
    [
      'system',
      'user',
      'assistant',
      'tool',
      'tool',
      'assistant',
      'tool',
      'user',
      'user',
      'assistant',
      'tool',
      'user',
    ],
  );
  assert.deepEqual(body.messages[7].content[1].type, 'image_url');
  assert.equal(body.messages[8].content, 'That is the failing CI page.');
  assert.equal(body.tools.length, 18);
  assert.ok(body.tools.every((tool: any) => tool.function.name.length <= 64));
  assert.equal(body.tools[17].function.name, short);
  assert.equal(body.messages[5].tool_calls[0].function.name, short);
  assert.deepEqual(
    body.tools[1].function.parameters,
    (request.tools![1] as Anthropic.Tool).input_schema,
  );
  assert.equal(body.reasoning_effort, 'high');
  assert.equal(body.tool_choice, 'auto');
  for (const field of [
    'metadata',
    'context_management',
    'output_config',
    'thinking',
    'system',
    'user',
  ])
    assert.equal(body[field], undefined, field);
  assert.equal(body.messages[2].content, "I'll read the test and the implementation.");
});
