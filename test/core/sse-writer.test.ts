import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StreamEvent } from '../../core/anthropic.ts';
import { serializeEvent } from '../../core/stream/sse-writer.ts';

/** What a frame must be, byte for byte: the event's name, then `JSON.stringify` of the event. */
const stringified = (event: StreamEvent): string =>
  `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;

// Text that JSON must escape: quotes, backslashes, control characters, line separators, lone
// surrogates (escaped as \udXXX by well-formed JSON.stringify), astral characters, `}}` and `\n\n`.
const AWKWARD = [
  '',
  'plain',
  'a "quoted" \\ back\\slash',
  'line\nbreak\r\n\ttab \u0000 \u001f \u007f',
  '\u2028\u2029',
  'lone \ud800 and \udfff surrogates',
  '😀 中文 ü',
  '}}\n\nevent: error\ndata: {}',
  '{"partial": [1, 2',
];

const deltas = (text: string): StreamEvent[] => [
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
  { type: 'content_block_delta', index: 12, delta: { type: 'thinking_delta', thinking: text } },
  {
    type: 'content_block_delta',
    index: 3,
    delta: { type: 'input_json_delta', partial_json: text },
  },
];

test('a text, thinking or argument delta is framed byte for byte as JSON.stringify frames it', () => {
  for (const text of AWKWARD) {
    for (const event of deltas(text)) assert.equal(serializeEvent(event), stringified(event));
  }
});

test('a delta shaped otherwise (extra, missing or reordered keys, odd values) is still exact', () => {
  const odd = [
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x', extra: 1 } },
    { type: 'content_block_delta', index: 0, delta: { text: 'x', type: 'text_delta' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 5 } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: undefined } },
    { index: 0, type: 'content_block_delta', delta: { type: 'text_delta', text: 'x' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x' }, more: [] },
    { type: 'content_block_delta', index: Number.NaN, delta: { type: 'text_delta', text: 'x' } },
    { type: 'content_block_delta', index: -0, delta: { type: 'text_delta', text: 'x' } },
    { type: 'content_block_delta', index: '1', delta: { type: 'text_delta', text: 'x' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 's' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'constructor', text: 'x' } },
    {
      type: 'content_block_delta',
      index: 0,
      delta: Object.assign(Object.create({ toJSON: () => 'swapped' }) as object, {
        type: 'text_delta',
        text: 'x',
      }),
    },
  ] as unknown as StreamEvent[];
  for (const event of odd) assert.equal(serializeEvent(event), stringified(event));
});

test('every other event is its JSON', () => {
  const others: StreamEvent[] = [
    { type: 'ping' },
    { type: 'content_block_stop', index: 1 },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'message_stop' },
    { type: 'error', error: { type: 'api_error', message: 'boom "x"' } },
  ];
  for (const event of others) assert.equal(serializeEvent(event), stringified(event));
});
