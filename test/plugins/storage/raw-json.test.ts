import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messagesBody } from '../../../bench/bodies.ts';
import { PartAliases, splitBody } from '../../../plugins/storage/parts.ts';
import { rawParts } from '../../../plugins/storage/raw-json.ts';

const tricky = {
  model: 'm',
  system: [
    {
      type: 'text',
      text: 'a "quoted" {brace} [bracket] \\ back\\slash \\"',
      cache_control: { type: 'ephemeral' },
    },
  ],
  messages: [
    { role: 'user', content: 'plain' },
    {
      role: 'assistant',
      content: [
        {
          type: 'tool_use',
          id: 't1',
          name: 'x',
          input: { n: -1.5e3, ok: true, none: null, list: [[], {}, '}]'] },
        },
      ],
    },
    {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 't1', content: 'é ü 😀 \u0001 \n\t' }],
    },
  ],
  tools: [],
  stream: false,
};

test('rawParts cuts system, tools and each message out of the text: each slice parses to the same value', () => {
  const bodies = [
    JSON.stringify(tricky),
    JSON.stringify(tricky, null, 2),
    JSON.stringify(tricky).replace(/é/g, '\\u00e9'),
    messagesBody({
      size: 'normal',
      mode: 'text',
      stream: true,
      model: 'claude-sonnet-4-6',
    }),
    messagesBody({
      size: 'large',
      mode: 'text',
      stream: false,
      model: 'claude-sonnet-4-6',
    }),
  ];
  for (const text of bodies) {
    const parsed = JSON.parse(text) as { system?: unknown; tools?: unknown; messages: unknown[] };
    const raw = rawParts(text)!;
    assert.ok(raw, 'a JSON object is cut');
    assert.deepEqual(JSON.parse(raw.system!), parsed.system);
    assert.deepEqual(JSON.parse(raw.tools!), parsed.tools);
    assert.equal(raw.messages!.length, parsed.messages.length);
    raw.messages!.forEach((slice, i) => assert.deepEqual(JSON.parse(slice), parsed.messages[i]));
  }
});

test('rawParts gives up on text that is not a JSON object, rather than guessing', () => {
  for (const text of ['', '[]', '{"messages": [1, 2', '{"system": "open', 'null', '{"a" 1}'])
    assert.equal(rawParts(text), undefined, text);
  assert.deepEqual(rawParts('{}'), {});
});

test('with the received text, a body splits into the same parts; a resent prefix is found without serialising it', () => {
  const text = JSON.stringify(tricky);
  const body = {
    ...JSON.parse(text),
    response: { role: 'assistant', content: [{ type: 'text', text: 'ok' }] },
  };
  const plain = splitBody(body);
  const aliases = new PartAliases();
  const first = splitBody({ ...body, raw: text }, aliases);
  const again = splitBody({ ...JSON.parse(text), response: null, raw: text }, aliases);
  assert.deepEqual(first.manifest, plain.manifest);
  assert.deepEqual(again.manifest.m, plain.manifest.m);
  assert.deepEqual(
    first.parts.map((p) => p.json),
    plain.parts.map((p) => p.json),
  );
  // Found by alias: the JSON is still there when storage needs it (a part dropped by retention).
  assert.deepEqual(
    again.parts.map((p) => p.json),
    plain.parts.slice(0, -1).map((p) => p.json),
  );
});
