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

test('a leading byte order mark is not part of the first field (WHATWG), later U+FEFF is kept', () => {
  const parser = new SseParser();
  const out: SseMessage[] = [];
  for (const byte of Buffer.from('\ufeffdata: a\ufeff\n\n'))
    parser.feedBytes(Uint8Array.of(byte), out);
  parser.end(out);
  assert.deepEqual(out, [{ event: '', data: 'a\ufeff' }]);
});

test('a byte stream cut anywhere, \\r\\n and multi-byte characters included, parses the same', () => {
  const bytes = Buffer.from(`${wire}data: é😀\r\n\r\n`);
  const whole = [...expected, { event: '', data: 'é😀' }];
  for (let i = 1; i < bytes.length; i++) {
    for (const j of [i + 1, i + 3]) {
      const parser = new SseParser();
      const out: SseMessage[] = [];
      for (const part of [bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)])
        parser.feedBytes(part, out);
      parser.end(out);
      assert.deepEqual(out, whole, `cut at ${i} and ${j}`);
    }
  }
});

test('a chunk holding many events, with every kind of line end, gives each once', () => {
  const events = Array.from(
    { length: 200 },
    (_, i) => `data: ${i}${['\n\n', '\r\n\r\n', '\r\r'][i % 3]}`,
  );
  const out = parseChunks([events.join('')]);
  assert.deepEqual(
    out.map((m) => m.data),
    events.map((_, i) => String(i)),
  );
});
