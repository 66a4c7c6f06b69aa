import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { user } from '../../helpers/proxy.ts';
import {
  answers,
  callsTool,
  claudeCodeRequest,
  claudeCodeTools,
  plannerFails,
  plannerSays,
  plannerUsageOf,
  promptOf,
  startBoost,
} from './helpers.ts';

const GUIDE =
  'ANALYSIS:\nThe user wants a.txt.\n\nGUIDANCE:\nCall Read with file_path /repo/a.txt.';
const plannerUsage = (message: { usage: object }) =>
  (message.usage as { planner?: Record<string, unknown> }).planner;

test('boost applies only to configured tiers, and only with tools', async (t) => {
  const { client, planner, executor } = await startBoost(t, { planner: plannerSays(GUIDE) });
  await client.messages.create({ ...claudeCodeRequest('read a.txt'), model: 'claude-haiku-4-5' });
  await client.messages.create({
    model: 'claude-opus-4-8',
    max_tokens: 100,
    messages: [user('hi')],
  });
  await client.messages.create({
    ...claudeCodeRequest('read a.txt'),
    tool_choice: { type: 'none' },
  });
  assert.equal(
    planner.requests.length,
    0,
    'haiku (small tier), no tools, tool_choice none: not boosted',
  );
  assert.equal(executor.requests.length, 3);
  await client.messages.create(claudeCodeRequest('read a.txt'));
  assert.equal(planner.requests.length, 1, 'opus (big tier) with tools is boosted');
});

test('the planner gets one request without tools: loop, attempts, user request, system gist, every tool', async (t) => {
  const { client, planner } = await startBoost(t, { planner: plannerSays(GUIDE) });
  await client.messages.create(claudeCodeRequest('Find where the config is loaded'));
  const request = planner.requests[0]!;
  assert.equal(request.url, '/v1/chat/completions');
  assert.equal(request.headers.authorization, 'Bearer sk-planner');
  assert.equal(request.body.model, 'planner-model');
  assert.notEqual(request.body.stream, true, 'not streamed');
  assert.equal(request.body.tools, undefined);
  assert.equal(request.body.messages.length, 1);
  const prompt = promptOf(request);
  assert.match(prompt, /Planning loop: 1\nPrevious attempts:\nNone\n/);
  assert.match(
    prompt,
    /User request:\n.*You are Claude Code.*\n\nFind where the config is loaded\n/s,
  );
  assert.doesNotMatch(prompt, /x-anthropic-billing-header/);
  for (const name of [
    'Task',
    'Bash',
    'Glob',
    'Grep',
    'Read',
    'Edit',
    'Write',
    'TodoWrite',
    'WebSearch',
    'mcp__ide__getDiagnostics',
  ]) {
    assert.match(prompt, new RegExp(`^- ${name}: `, 'm'), `tool ${name} listed`);
  }
  assert.match(prompt, /^- Bash: Executes a given bash command in a persistent shell session/m);
  assert.doesNotMatch(
    prompt,
    /Directory Verification/,
    'only the first paragraph of a long description',
  );
  assert.match(prompt, /^ {2}- command: string \(required\) - The command to execute$/m);
  assert.match(prompt, /^ {2}- timeout: number \(optional\) - Optional timeout in milliseconds/m);
  assert.match(
    prompt,
    /^ {2}- output_mode: "content" \| "files_with_matches" \| "count" \(optional\)/m,
  );
  assert.match(prompt, /^ {2}- todos: array of object \(required\)/m);
  assert.match(
    prompt,
    /^- mcp__ide__getDiagnostics: Get language diagnostics from VS Code\n {2}- uri: string \(optional\)/m,
  );
});

test('a custom template gets its placeholders filled; other braces stay; whitespace-only falls back', async (t) => {
  const custom = await startBoost(t, {
    planner: plannerSays(GUIDE),
    options: {
      template:
        'loop={loop_count} prev={previous_attempts} req={user_request} json={"a":1}\n{tools_text}',
    },
  });
  await custom.client.messages.create({ ...claudeCodeRequest('do it'), system: undefined });
  const prompt = promptOf(custom.planner.requests[0]);
  assert.match(prompt, /^loop=1 prev=None req=do it json=\{"a":1\}\n- Task: /);
  const blank = await startBoost(t, {
    planner: plannerSays(GUIDE),
    options: { template: ' \n\t ' },
  });
  await blank.client.messages.create(claudeCodeRequest('do it'));
  assert.match(promptOf(blank.planner.requests[0]), /^You plan for an assistant/);
});

test('in a tool loop the planner sees the calls and results since the last user text', async (t) => {
  const { client, planner } = await startBoost(t, { planner: plannerSays(GUIDE) });
  const base = claudeCodeRequest('What does a.txt say?');
  await client.messages.create({
    ...base,
    messages: [
      ...base.messages,
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'Read', input: { file_path: '/repo/a.txt' } },
        ],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'hello from a.txt' }],
      },
    ],
  });
  assert.match(
    promptOf(planner.requests[0]),
    /What does a.txt say\?\n\nProgress since that request:\n- called Read \{"file_path":"\/repo\/a.txt"\}\n- result: hello from a.txt/,
  );
});

test('SUMMARY is the answer, streamed; the executor is never called; planner tokens reported apart', async (t) => {
  const { client, executor } = await startBoost(t, {
    planner: plannerSays('SUMMARY:\nNo tool needed: the answer is 4.'),
  });
  const stream = client.messages.stream({ ...claudeCodeRequest('what is 2+2?'), stream: true });
  const types: string[] = [];
  const planner = plannerUsageOf(stream);
  stream.on('streamEvent', (event) => types.push(event.type));
  const message = await stream.finalMessage();
  assert.deepEqual(types, [
    'message_start',
    'content_block_start',
    'content_block_delta',
    'content_block_stop',
    'message_delta',
    'message_stop',
  ]);
  assert.deepEqual(message.content, [{ type: 'text', text: 'No tool needed: the answer is 4.' }]);
  assert.equal(message.stop_reason, 'end_turn');
  assert.equal(message.model, 'claude-opus-4-8');
  assert.ok(message.usage.input_tokens > 0);
  assert.deepEqual(await planner, {
    model: 'planner-model',
    calls: 1,
    input_tokens: 120,
    output_tokens: 30,
    cached: false,
  });
  assert.equal(executor.requests.length, 0);
});

test('SUMMARY is the answer for a JSON client too', async (t) => {
  const { client, executor } = await startBoost(t, {
    planner: plannerSays('ANALYSIS: easy\nSUMMARY: 4'),
  });
  const message = await client.messages.create(claudeCodeRequest('what is 2+2?'));
  assert.equal(message.type, 'message');
  assert.match(message.id, /^msg_/);
  assert.deepEqual(message.content, [{ type: 'text', text: '4' }]);
  assert.equal(executor.requests.length, 0);
});

test('GUIDANCE: the executor gets the real tools, tool_choice auto, the system prompt plus the plan; its tool call streams', async (t) => {
  const { client, executor } = await startBoost(t, { planner: plannerSays(GUIDE) });
  const request = { ...claudeCodeRequest('read a.txt'), tool_choice: { type: 'any' as const } };
  const stream = client.messages.stream({ ...request, stream: true });
  const planner = plannerUsageOf(stream);
  const message = await stream.finalMessage();
  assert.deepEqual(
    message.content.map((b) => b.type),
    ['text', 'tool_use'],
  );
  assert.deepEqual(message.content[1], {
    type: 'tool_use',
    id: 'call_exec1',
    name: 'Read',
    input: { file_path: '/repo/a.txt' },
  });
  assert.equal(message.stop_reason, 'tool_use');
  assert.equal(((await planner) as { calls: number }).calls, 1);
  const sent = executor.requests[0]!;
  assert.equal(sent.model, 'cheap-model');
  assert.deepEqual(
    sent.tools?.map((tool) => tool.function.name),
    claudeCodeTools.map((tool) => tool.name),
    'the real tools',
  );
  assert.equal(sent.tool_choice, 'auto');
  assert.deepEqual(sent.messages.slice(1), [{ role: 'user', content: 'read a.txt' }]);
  const system = sent.messages[0]!;
  assert.equal(system.role, 'system');
  assert.match(
    system.content as string,
    /^You are Claude Code, Anthropic's official CLI for Claude.\n\nYou are an interactive CLI tool.*\n\nA planner has studied this request.*ANALYSIS:\nThe user wants a.txt.\n\nGUIDANCE:\nCall Read with file_path \/repo\/a.txt.$/s,
    'the original system prompt first, the plan after it',
  );
});

test('GUIDANCE for a JSON client gives one Message with the tool call', async (t) => {
  const { client, executor } = await startBoost(t, { planner: plannerSays(GUIDE) });
  const message = await client.messages.create({
    ...claudeCodeRequest('read a.txt'),
    system: 'Be brief.',
  });
  assert.equal(message.stop_reason, 'tool_use');
  assert.equal(message.content.at(-1)?.type, 'tool_use');
  assert.match(
    executor.requests[0]!.messages[0]!.content as string,
    /^Be brief.\n\nA planner has studied this request/,
  );
});

test('OTHER three times: three planner calls, each told the earlier attempts, then direct execution', async (t) => {
  const { client, planner, executor } = await startBoost(t, {
    planner: [
      plannerSays('I think we should look around.'),
      plannerSays('ANALYSIS: still unsure'),
      plannerSays('Hmm.'),
    ],
  });
  const message = await client.messages.create(claudeCodeRequest('read a.txt'));
  assert.equal(planner.requests.length, 3);
  assert.match(
    promptOf(planner.requests[1]),
    /Planning loop: 2\nPrevious attempts:\n- Loop 1: your reply followed neither format: I think we should look around.\n/,
  );
  assert.match(
    promptOf(planner.requests[2]),
    /Planning loop: 3\n.*- Loop 1: .*\n- Loop 2: your reply followed neither format: ANALYSIS: still unsure\n/s,
  );
  assert.equal(executor.requests.length, 1);
  assert.equal(executor.requests[0]!.tool_choice, undefined, 'direct: the client request as sent');
  assert.doesNotMatch(executor.requests[0]!.messages[0]!.content as string, /planner/);
  assert.equal(message.stop_reason, 'tool_use');
  assert.equal(plannerUsage(message)?.calls, 3);
});

test('the same unparseable reply three times: three planner calls (up to 3 attempts), then direct execution', async (t) => {
  const { client, planner, executor } = await startBoost(t, {
    planner: plannerSays('Let me think about it.'),
  });
  await client.messages.create(claudeCodeRequest('read a.txt'));
  assert.equal(
    planner.requests.length,
    3,
    'repetition ends a loop of guidance, not of bad replies',
  );
  assert.equal(executor.requests.length, 1);
  assert.equal(executor.requests[0]!.tool_choice, undefined, 'direct: the client request as sent');
});

test('an executor answer without a tool call is planned again; the same guidance twice sends that answer', async (t) => {
  const { client, planner, executor } = await startBoost(t, {
    planner: plannerSays(GUIDE),
    executor: [answers('a.txt probably says hello.')],
  });
  const message = await client.messages.create(claudeCodeRequest('read a.txt'));
  assert.equal(planner.requests.length, 2, 'the second reply repeats the guidance: stop');
  assert.equal(executor.requests.length, 1, 'no second executor call for the same guidance');
  assert.match(
    promptOf(planner.requests[1]),
    /- Loop 1: the executor followed the guidance "Call Read with file_path \/repo\/a.txt." but called no tool; it answered: a.txt probably says hello./,
  );
  assert.deepEqual(message.content, [{ type: 'text', text: 'a.txt probably says hello.' }]);
});

test('new guidance after an answer without a tool call: only the new answer reaches the client', async (t) => {
  const { client, executor } = await startBoost(t, {
    planner: [plannerSays(GUIDE), plannerSays('GUIDANCE:\nYou must call the Read tool now.')],
    executor: [answers('I would read it.'), callsTool('Read', { file_path: '/repo/a.txt' })],
  });
  const stream = client.messages.stream({ ...claudeCodeRequest('read a.txt'), stream: true });
  const message = await stream.finalMessage();
  assert.equal(executor.requests.length, 2);
  assert.deepEqual(
    message.content.map((b) => b.type),
    ['text', 'tool_use'],
  );
  assert.equal((message.content[0] as { text: string }).text, 'On it.');
});

for (const failure of [
  { name: '401', handler: plannerFails(401) },
  { name: '429', handler: plannerFails(429) },
  { name: '500', handler: plannerFails(500) },
  { name: 'garbage', handler: plannerSays('') },
  {
    name: 'a non-JSON body',
    handler: (_req: unknown, res: import('node:http').ServerResponse) =>
      void res.end('<html>oops</html>'),
  },
]) {
  test(`planner ${failure.name}: retried, then direct execution (never an "Error:" text)`, async (t) => {
    const { client, planner, executor } = await startBoost(t, { planner: failure.handler });
    const message = await client.messages.create(claudeCodeRequest('read a.txt'));
    assert.equal(planner.requests.length, 3);
    assert.equal(executor.requests.length, 1);
    assert.equal(executor.requests[0]!.tool_choice, undefined);
    assert.equal(message.stop_reason, 'tool_use');
    assert.doesNotMatch(JSON.stringify(message.content), /Error:/);
  });
}

test('a failed planner call is retried and a later plan is used', async (t) => {
  const { client, planner, executor } = await startBoost(t, {
    planner: [plannerFails(500), plannerSays(GUIDE)],
  });
  await client.messages.create(claudeCodeRequest('read a.txt'));
  assert.equal(planner.requests.length, 2);
  assert.match(promptOf(planner.requests[1]), /- Loop 1: the planner call failed\./);
  assert.equal(executor.requests[0]!.tool_choice, 'auto');
});

test('planner timeout: retried, then direct execution', async (t) => {
  const { client, planner, executor } = await startBoost(t, {
    planner: () => new Promise<void>(() => {}), // never answers
    plannerProvider: { timeoutMs: 200 },
  });
  const message = await client.messages.create(claudeCodeRequest('read a.txt'));
  assert.equal(planner.requests.length, 3);
  assert.equal(executor.requests.length, 1);
  assert.equal(message.stop_reason, 'tool_use');
});

test('an unreachable planner: no further tries, direct execution', async (t) => {
  const { client, planner, executor } = await startBoost(t, { planner: plannerSays(GUIDE) });
  await planner.close();
  const message = await client.messages.create(claudeCodeRequest('read a.txt'));
  assert.equal(executor.requests.length, 1);
  assert.equal(executor.requests[0]!.tool_choice, undefined);
  assert.equal(plannerUsage(message)?.calls, 1);
});

test('a second identical request within the TTL makes no planner call', async (t) => {
  const { client, planner, executor } = await startBoost(t, { planner: plannerSays(GUIDE) });
  await client.messages.create(claudeCodeRequest('read a.txt'));
  const again = claudeCodeRequest('read a.txt');
  // Claude Code's attribution block changes on every request; the plan still matches.
  again.system[0]!.text =
    'x-anthropic-billing-header: cc_version=2.1.200.abc; cc_entrypoint=cli; cch=9f8e7;';
  const message = await client.messages.create(again);
  assert.equal(planner.requests.length, 1);
  assert.deepEqual(plannerUsage(message), {
    model: 'planner-model',
    calls: 0,
    input_tokens: 0,
    output_tokens: 0,
    cached: true,
  });
  assert.deepEqual(
    executor.requests[1]!.messages,
    executor.requests[0]!.messages,
    'the cached guidance is used',
  );
  await client.messages.create(claudeCodeRequest('read b.txt'));
  assert.equal(planner.requests.length, 2, 'another request is planned');
});

test('a client disconnect cancels the planner call', async (t) => {
  let closed!: () => void;
  const plannerClosed = new Promise<void>((resolve) => (closed = resolve));
  let arrived!: () => void;
  const plannerCalled = new Promise<void>((resolve) => (arrived = resolve));
  const { client, planner, executor } = await startBoost(t, {
    planner: async (_req, res) => {
      arrived();
      await once(res, 'close');
      closed();
    },
  });
  const abort = new AbortController();
  const pending = client.messages.create(claudeCodeRequest('read a.txt'), { signal: abort.signal });
  await plannerCalled;
  abort.abort();
  await assert.rejects(pending);
  await plannerClosed;
  assert.equal(planner.aborted.length, 1);
  assert.equal(planner.requests.length, 1, 'no retry after the client left');
  assert.equal(executor.requests.length, 0);
});

test('custom headers and overrides set for the request reach the planner, over its own headers', async (t) => {
  const { client, planner } = await startBoost(t, {
    planner: plannerSays(GUIDE),
    plannerProvider: { headers: { 'x-planner-only': '1', 'x-team': 'planner' } },
    before: [
      {
        name: 'custom-headers',
        onRequest: (ctx) => void (ctx.upstream.headers['x-team'] = 'team-a'),
      },
    ],
  });
  await client.messages.create(claudeCodeRequest('read a.txt'));
  assert.equal(planner.requests[0]!.headers['x-planner-only'], '1');
  assert.equal(planner.requests[0]!.headers['x-team'], 'team-a');
});
