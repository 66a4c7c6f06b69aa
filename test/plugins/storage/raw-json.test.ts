import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messagesBody } from '../../../bench/bodies.ts';
import { PartAliases, splitBody } from '../../../plugins/storage/parts.ts';
import { rawParts } from '../../../plugins/storage/raw-json.ts';
import { LastTurns } from '../../../plugins/storage/turns.ts';

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
  const first = splitBody({ ...body, raw: text }, { aliases });
  const again = splitBody({ ...JSON.parse(text), response: null, raw: text }, { aliases });
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

test("a conversation's next turn: the pieces it resends are compared with the last turn's, and every part's hash is the one a fresh cut gives", () => {
  const turn1 = structuredClone(tricky) as typeof tricky & { messages: unknown[] };
  const turn2 = structuredClone(tricky) as typeof tricky & { messages: unknown[] };
  // Claude Code's cache breakpoint moves to the newest message: the one that had it changes.
  (turn1.messages[2] as { content: { cache_control?: unknown }[] }).content[0]!.cache_control = {
    type: 'ephemeral',
  };
  turn2.messages.push({ role: 'assistant', content: 'a' }, { role: 'user', content: '"next"' });
  const compacted = { ...structuredClone(turn2), messages: turn2.messages.slice(1) };
  const memory = { aliases: new PartAliases(), turns: new LastTurns(), conversation: 's1' };
  for (const [body, text] of [
    [turn1, JSON.stringify(turn1)],
    [turn2, JSON.stringify(turn2)],
    [turn2, JSON.stringify(turn2, null, 1)], // the same values, other text: found by hash
    [compacted, JSON.stringify(compacted)], // every message one place earlier
    [{ ...compacted, system: 'plain' }, JSON.stringify({ ...compacted, system: 'plain' })],
  ] as const) {
    const raw = rawParts(text, memory.turns.get('s1')?.raw)!;
    raw.messages!.forEach((slice, i) => assert.deepEqual(JSON.parse(slice), body.messages[i]));
    assert.deepEqual(JSON.parse(raw.system!), body.system);
    const fresh = splitBody({ ...body, response: null });
    const remembered = splitBody({ ...body, response: null, raw: text }, memory);
    assert.deepEqual(remembered.manifest, fresh.manifest);
  }
});

test('LastTurns keeps the most recent conversations within its count and characters', () => {
  const turns = new LastTurns(2, 100);
  const turn = { raw: {}, hashes: { m: [] } };
  turns.set('a', turn, 10);
  turns.set('b', turn, 10);
  turns.set('a', turn, 10); // a is now the most recent
  turns.set('c', turn, 10);
  assert.deepEqual(
    ['a', 'b', 'c'].map((k) => turns.get(k) !== undefined),
    [true, false, true],
  );
  turns.set('d', turn, 20);
  turns.set('e', turn, 20); // 40 characters: within 100, but two conversations at most
  assert.deepEqual(
    ['a', 'c', 'd', 'e'].map((k) => turns.get(k) !== undefined),
    [false, false, true, true],
  );
  turns.set('f', turn, 30); // over a quarter of the characters: not kept
  assert.equal(turns.get('f'), undefined);
});
