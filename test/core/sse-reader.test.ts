import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseParser, readSse, type SseMessage } from '../../core/stream/sse-reader.ts';

function parseChunks(chunks: string[]): SseMessage[] {
  const parser = new SseParser();
  const out: SseMessage[] = [];
  for (const chunk of chunks) parser.feed(chunk, out);
  parser.end(out);
  return out;
}

const wire =
  'event: a\ndata: {"x":1}\n\n: OPENROUTER PROCESSING\n\ndata:{"y":2}\r\n\r\ndata: line1\ndata: line2\r\rdata: [DONE]\n\n';
const expected: SseMessage[] = [
  { event: 'a', data: '{"x":1}' },
  { event: '', data: '{"y":2}' },
  { event: '', data: 'line1\nline2' },
  { event: '', data: '[DONE]' },
];

test('D21: comments, data: without a space, CRLF and CR line ends, multi-line data', () => {
  assert.deepEqual(parseChunks([wire]), expected);
});

test('a stream split at every possible position parses the same', () => {
  for (let i = 1; i < wire.length; i++) {
    assert.deepEqual(parseChunks([wire.slice(0, i), wire.slice(i)]), expected, `split at ${i}`);
  }
});

test('a stream fed one character at a time parses the same (\\r and \\n in separate chunks)', () => {
  assert.deepEqual(parseChunks([...wire]), expected);
});

test('I10: \\r\\n\\r\\n separators without [DONE] and a last event without its blank line', () => {
  const gemini = 'data: {"a":1}\r\n\r\ndata: {"a":2}';
  assert.deepEqual(parseChunks([gemini]), [
    { event: '', data: '{"a":1}' },
    { event: '', data: '{"a":2}' },
  ]);
});

test('readSse decodes UTF-8 split across byte chunks', async () => {
  const bytes = Buffer.from('data: {"t":"é😀"}\n\n');
  async function* body() {
    for (const byte of bytes) yield Uint8Array.of(byte);
  }
  const messages: SseMessage[] = [];
  for await (const m of readSse(body())) messages.push(m);
  assert.deepEqual(messages, [{ event: '', data: '{"t":"é😀"}' }]);
});
