import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';

import { user } from '../../helpers/proxy.ts';
import { replySse, scriptedUpstream, sseData } from '../../helpers/upstream.ts';
import { textStream } from './fake-provider.ts';
import { answering, withFallback } from './setup.ts';

/** An upstream that sends `chunks`, then cuts the connection once the client has seen text. */
async function breaksAfter(t: TestContext, chunks: (model: string) => string[]) {
  let cut!: () => void;
  const seen = new Promise<void>((resolve) => (cut = resolve));
  const upstream = await scriptedUpstream(t, async (req, res) => {
    await replySse(res, chunks(req.body.model), { end: 'hang' });
    await seen;
    res.destroy();
  });
  return { upstream, cut };
}

test('with continuation, a stream broken mid-answer is finished by the fallback as one uninterrupted message', async (t) => {
  const { upstream: a, cut } = await breaksAfter(t, (model) =>
    textStream(model, ['Hello, ', 'wor ']).slice(0, 4),
  );
  const b = await answering(t, ' world!');
  const { client, logs } = await withFallback(t, a, b, { retry: false, continuation: true });
  const stream = client.messages.stream({
    model: 'claude-sonnet-4-6',
    max_tokens: 64,
    messages: [user('greet')],
    thinking: { type: 'enabled', budget_tokens: 32 },
  });
  stream.on('text', () => cut());
  const message = await stream.finalMessage();
  assert.deepEqual(
    message.content.map((block) => block.type),
    ['text'],
  );
  assert.equal((message.content[0] as { text: string }).text, 'Hello, wor world!');
  assert.equal(message.stop_reason, 'end_turn');
  const asked = b.requests[0]!.body;
  assert.deepEqual(
    asked.messages.at(-1),
    { role: 'assistant', content: 'Hello, wor' },
    'the partial answer, trailing space cut, as the prefix',
  );
  assert.equal(asked.thinking, undefined);
  assert.ok(
    logs.some(
      (line) => line.msg === 'stream broke; continuing on the next target' && line.to === 'b,two',
    ),
  );
});

test('with continuation, a break after a tool call started is reported, not sewn', async (t) => {
  const tool = (model: string) => [
    textStream(model, [])[0]!,
    sseData({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: {} },
    }),
    sseData({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'input_json_delta', partial_json: '{"comm' },
    }),
  ];
  const { upstream: a, cut } = await breaksAfter(t, tool);
  const b = await answering(t);
  const { client } = await withFallback(t, a, b, { retry: false, continuation: true });
  const stream = client.messages.stream({
    model: 'claude-sonnet-4-6',
    max_tokens: 64,
    messages: [user('run ls')],
  });
  stream.on('streamEvent', (event) => event.type === 'content_block_delta' && cut());
  await assert.rejects(stream.finalMessage());
  assert.equal(b.requests.length, 0);
});
