import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import type { StreamEvent } from '../../core/anthropic.ts';
import { StreamGuard } from '../../core/stream/guard.ts';
import { messageStart, textStream } from '../helpers/events.ts';

function run(events: StreamEvent[]): { out: StreamEvent[]; warnings: string[]; produced: boolean } {
  const warnings: string[] = [];
  const log = pino(
    { level: 'warn' },
    { write: (line: string) => void warnings.push(JSON.parse(line).msg as string) },
  );
  const guard = new StreamGuard({ source: 'provider "test"', log, model: 'm' });
  const out: StreamEvent[] = [];
  for (const event of structuredClone(events)) guard.push(event, out);
  const produced = guard.end(out);
  return { out, warnings, produced };
}

const types = (events: StreamEvent[]) =>
  events.map((e) => ('index' in e ? `${e.type}:${e.index}` : e.type));
const start = (index: number, type = 'text'): StreamEvent => ({
  type: 'content_block_start',
  index,
  content_block:
    type === 'text'
      ? { type: 'text', text: '' }
      : { type: 'tool_use', id: `toolu_${index}`, name: 'f', input: {} },
});
const delta = (index: number, text = 'x'): StreamEvent => ({
  type: 'content_block_delta',
  index,
  delta: { type: 'text_delta', text },
});
const stop = (index: number): StreamEvent => ({ type: 'content_block_stop', index });
const done = (reason: 'end_turn' | null = 'end_turn'): StreamEvent[] => [
  { type: 'message_delta', delta: { stop_reason: reason }, usage: { output_tokens: 3 } },
  { type: 'message_stop' },
];

test('a well-formed stream passes unchanged and unlogged', () => {
  const events = textStream('hello', { parts: 3 });
  const { out, warnings } = run(events);
  assert.deepEqual(out, events);
  assert.deepEqual(warnings, []);
});

const cases: { name: string; events: StreamEvent[]; expect: string[] }[] = [
  {
    name: 'B4: a block left open is stopped before message_delta',
    events: [messageStart(), start(0), delta(0), ...done()],
    expect: [
      'message_start',
      'content_block_start:0',
      'content_block_delta:0',
      'content_block_stop:0',
      'message_delta',
      'message_stop',
    ],
  },
  {
    name: 'B5: indices are renumbered 0, 1, 2 in start order',
    events: [messageStart(), start(3), delta(3), stop(3), start(7, 'tool'), stop(7), ...done()],
    expect: [
      'message_start',
      'content_block_start:0',
      'content_block_delta:0',
      'content_block_stop:0',
      'content_block_start:1',
      'content_block_stop:1',
      'message_delta',
      'message_stop',
    ],
  },
  {
    name: 'B5: a block started while another is open closes the first',
    events: [messageStart(), start(0), start(1, 'tool'), stop(1), ...done()],
    expect: [
      'message_start',
      'content_block_start:0',
      'content_block_stop:0',
      'content_block_start:1',
      'content_block_stop:1',
      'message_delta',
      'message_stop',
    ],
  },
  {
    name: 'B3: events before message_start get one inserted; a second message_start is dropped',
    events: [start(0), delta(0), stop(0), messageStart(), ...done()],
    expect: [
      'message_start',
      'content_block_start:0',
      'content_block_delta:0',
      'content_block_stop:0',
      'message_delta',
      'message_stop',
    ],
  },
  {
    name: 'B6: a missing message_delta is inserted before message_stop',
    events: [messageStart(), start(0), delta(0), stop(0), { type: 'message_stop' }],
    expect: [
      'message_start',
      'content_block_start:0',
      'content_block_delta:0',
      'content_block_stop:0',
      'message_delta',
      'message_stop',
    ],
  },
  {
    name: 'B6: two message_delta events are merged into one',
    events: [messageStart(), start(0), stop(0), ...done(null).slice(0, 1), ...done()],
    expect: [
      'message_start',
      'content_block_start:0',
      'content_block_stop:0',
      'message_delta',
      'message_stop',
    ],
  },
  {
    name: 'a text delta without a block gets its block',
    events: [messageStart(), delta(0), ...done()],
    expect: [
      'message_start',
      'content_block_start:0',
      'content_block_delta:0',
      'content_block_stop:0',
      'message_delta',
      'message_stop',
    ],
  },
  {
    name: 'nothing passes after message_stop',
    events: [...textStream('a'), delta(0), { type: 'message_stop' }],
    expect: [
      'message_start',
      'content_block_start:0',
      'content_block_delta:0',
      'content_block_stop:0',
      'message_delta',
      'message_stop',
    ],
  },
  {
    name: 'a stream ending after message_delta gets its message_stop',
    events: [messageStart(), start(0), stop(0), ...done().slice(0, 1)],
    expect: [
      'message_start',
      'content_block_start:0',
      'content_block_stop:0',
      'message_delta',
      'message_stop',
    ],
  },
];
for (const c of cases) {
  test(c.name, () => {
    const { out, warnings } = run(c.events);
    assert.deepEqual(types(out), c.expect);
    assert.equal(warnings.length, 1, 'the repair is logged once, naming the source');
  });
}

test('B6: a stop reason left null becomes tool_use after a tool call, else end_turn', () => {
  const { out } = run([messageStart(), start(0, 'tool'), stop(0), ...done(null)]);
  const last = out.at(-2) as Extract<StreamEvent, { type: 'message_delta' }>;
  assert.equal(last.delta.stop_reason, 'tool_use');
});

test('an input_json_delta for a block never opened becomes an error event, not a guess', () => {
  const { out } = run([
    messageStart(),
    {
      type: 'content_block_delta',
      index: 4,
      delta: { type: 'input_json_delta', partial_json: '{' },
    },
    ...done(),
  ]);
  assert.deepEqual(types(out), ['message_start', 'error']);
  assert.match(
    (out[1] as Extract<StreamEvent, { type: 'error' }>).error.message,
    /provider "test" sent a malformed stream/,
  );
});

test('E10: a stream cut before message_delta ends in an error event, no message_stop', () => {
  const { out } = run([messageStart(), start(0), delta(0)]);
  assert.deepEqual(types(out).slice(-1), ['error']);
  assert.ok(!types(out).includes('message_stop'));
});

test('a source that produced nothing is reported to the caller', () => {
  assert.equal(run([]).produced, false);
});
