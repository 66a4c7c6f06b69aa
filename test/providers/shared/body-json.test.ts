import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodyJson, sameJson } from '../../../plugins/providers/shared/body-json.ts';

const tool = (name: string, description = `Runs ${name}.`) => ({
  type: 'function',
  function: {
    name,
    description,
    parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
  },
});

const body = (tools: object[], text = 'hi') => ({
  model: 'gpt-4o',
  messages: [{ role: 'user', content: text }],
  tools,
  tool_choice: 'auto',
  max_tokens: 100,
});

/** What undici would have sent for `JSON.stringify(value)`. */
const expected = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

test('a body is sent as the bytes of JSON.stringify, the same tools resent or changed in any way', () => {
  const tools = () => [tool('Read'), tool('Grep')];
  const bodies = [
    body(tools()),
    body(tools(), 'second turn'),
    body(tools(), 'third turn: the tools are known by now'),
    body([tool('Read'), tool('Grep', 'Searches. 中文 😀')]),
    body([tool('Read'), { ...tool('Grep'), extra: true }]),
    body([tool('Grep'), tool('Read')]),
    body([tool('Read')]),
    body(tools(), 'café \ud800 — back to the first set'),
    body([]),
    { model: 'gpt-4o', messages: [] },
  ];
  for (const each of [...bodies, ...bodies]) assert.deepEqual(bodyJson(each), expected(each));
});

test('the upstream gets the tools a request has now, not those of an equal-looking earlier one', () => {
  const first = body([tool('Read')]);
  for (let i = 0; i < 3; i++) bodyJson(body([tool('Read')]));
  const read = tool('Read');
  read.function.parameters.properties.path.type = 'number';
  const changed = body([read]);
  assert.deepEqual(bodyJson(changed), expected(changed));
  assert.deepEqual(bodyJson(first), expected(first));
});

test('keys JSON leaves out (undefined, functions) do not make equal tools differ, nor hide a difference', () => {
  const plain = tool('Read');
  const withGaps = { ...tool('Read'), strict: undefined, describe: () => 'x' };
  for (let i = 0; i < 3; i++) assert.deepEqual(bodyJson(body([plain])), expected(body([plain])));
  assert.equal(sameJson(JSON.parse(JSON.stringify([plain])), [withGaps]), true);
  assert.deepEqual(bodyJson(body([withGaps])), expected(body([withGaps])));
  const dated = { ...tool('Read'), since: new Date(0) };
  assert.equal(sameJson(JSON.parse(JSON.stringify([dated])), [dated]), false);
  assert.deepEqual(bodyJson(body([dated])), expected(body([dated])));
});

test('sameJson: key order, array lengths and primitive values count', () => {
  assert.equal(sameJson({ a: 1, b: [1, 2] }, { a: 1, b: [1, 2] }), true);
  assert.equal(sameJson({ a: 1, b: 2 }, { b: 2, a: 1 }), false);
  assert.equal(sameJson([1, 2], [1, 2, 3]), false);
  assert.equal(sameJson({ a: '1' }, { a: 1 }), false);
  assert.equal(sameJson({ a: null }, { a: undefined }), false);
  assert.equal(sameJson([null], [undefined]), false);
});

test('tool sets too large to keep are serialised anew each time, as they are', () => {
  const huge = body([tool('Read', 'x'.repeat(600 * 1024)), tool('Grep')]);
  for (let i = 0; i < 3; i++) assert.deepEqual(bodyJson(huge), expected(huge));
});
