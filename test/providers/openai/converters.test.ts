import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foldEvents, type StreamEvent } from '../../../core/index.ts';
import { detailsFromSignature } from '../../../plugins/providers/openai/reasoning-details.ts';
import {
  chunkToEvents,
  finishMessage,
  newState,
} from '../../../plugins/providers/openai/stream.ts';
import { responseToEvents } from '../../../plugins/providers/openai/response.ts';
import type { ChatChunk } from '../../../plugins/providers/openai/types.ts';
import { ToolNames } from '../../../plugins/providers/shared/tool-names.ts';
import { callChunk, chunk } from './helpers.ts';

function convert(chunks: ChatChunk[]): StreamEvent[] {
  const state = newState({
    provider: 'openai',
    model: 'm',
    inputEstimate: () => 10,
    names: new ToolNames(),
    stopSequences: [],
  });
  const out: StreamEvent[] = [];
  for (const each of chunks) chunkToEvents(state, each, out);
  finishMessage(state, out);
  return out;
}

test('a thought signature arriving with a call after the text rides in a thinking block before that call', () => {
  const detail = {
    type: 'reasoning.encrypted',
    data: 'opaque',
    format: 'google-gemini-v1',
    index: 0,
  };
  const message = foldEvents(
    convert([
      chunk({ content: 'Checking.' }),
      callChunk(0, '{}', { id: 'c1', name: 'f' }, { reasoning_details: [detail] }),
      chunk({}, 'tool_calls'),
    ]),
  );
  assert.deepEqual(
    message.content.map((block) => block.type),
    ['text', 'thinking', 'tool_use'],
  );
  assert.deepEqual(detailsFromSignature((message.content[1] as { signature: string }).signature), [
    detail,
  ]);
});

test('D3: a parameterless call followed by another: both complete, in order', () => {
  const message = foldEvents(
    convert([
      callChunk(0, '', { id: 'a', name: 'list' }),
      callChunk(1, '{"p":', { id: 'b', name: 'read' }),
      callChunk(1, '1}'),
      chunk({}, 'tool_calls'),
    ]),
  );
  assert.deepEqual(message.content, [
    { type: 'tool_use', id: 'a', name: 'list', input: {} },
    { type: 'tool_use', id: 'b', name: 'read', input: { p: 1 } },
  ]);
});

test('D6: a server reusing one id for two calls at different indices gets two distinct ids', () => {
  const message = foldEvents(
    convert([
      callChunk(0, '{"n":1}', { id: 'call_0', name: 'f' }),
      callChunk(1, '{"n":2}', { id: 'call_0', name: 'f' }),
      chunk({}, 'tool_calls'),
    ]),
  );
  const ids = message.content.map((block) => (block as { id: string }).id);
  assert.equal(ids.length, 2);
  assert.notEqual(ids[0], ids[1]);
  assert.deepEqual(
    message.content.map((block) => (block as { input: unknown }).input),
    [{ n: 1 }, { n: 2 }],
  );
});

test('D13, D16: a JSON answer starts with the upstream prompt count, the local estimate never made', () => {
  const state = newState({
    provider: 'openai',
    model: 'm',
    inputEstimate: () => assert.fail('a JSON answer carries its own count'),
    names: new ToolNames(),
    stopSequences: [],
  });
  const out: StreamEvent[] = [];
  responseToEvents(
    state,
    {
      choices: [{ message: { content: 'Hi.' }, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: 1200,
        completion_tokens: 3,
        prompt_tokens_details: { cached_tokens: 1000 },
      },
    },
    out,
  );
  const start = out[0] as StreamEvent & { type: 'message_start' };
  assert.equal(start.message.usage.input_tokens, 200);
  const message = foldEvents(out);
  assert.equal(message.usage.input_tokens, 200);
  assert.equal(message.usage.cache_read_input_tokens, 1000);
});
