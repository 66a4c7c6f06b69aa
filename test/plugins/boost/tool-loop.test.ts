import assert from 'node:assert/strict';
import { test } from 'node:test';
import { claudeCodeRequest, promptOf, startBoost } from './helpers.ts';
import { MARKER, MARKER_CALL, toolLoopExecutor, toolLoopPlanner } from './scenario.ts';

test('a Claude Code tool loop with boost: guided tool call, tool result, planner answer', async (t) => {
  const { client, planner, executor } = await startBoost(t, {
    planner: toolLoopPlanner,
    executor: [toolLoopExecutor],
  });
  const first = claudeCodeRequest('Run the marker command and tell me what it printed.');
  const turn1 = await client.messages.stream({ ...first, stream: true }).finalMessage();
  assert.equal(turn1.stop_reason, 'tool_use');
  const call = turn1.content.find((block) => block.type === 'tool_use')!;
  assert.deepEqual(call.input, MARKER_CALL);

  const turn2 = await client.messages
    .stream({
      ...first,
      stream: true,
      messages: [
        ...first.messages,
        { role: 'assistant', content: turn1.content },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: call.id, content: `${MARKER}\n` }],
        },
      ],
    })
    .finalMessage();
  assert.deepEqual(turn2.content, [
    { type: 'text', text: `The command ran and printed ${MARKER}.` },
  ]);
  assert.equal(turn2.stop_reason, 'end_turn');
  assert.equal(planner.requests.length, 2);
  assert.match(promptOf(planner.requests[1]), /- called Bash .*\n- result: boost-e2e-ok/);
  assert.equal(executor.requests.length, 1, 'the planner answered the last turn itself');
});
