import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryPlanCache, planKey } from '../../../plugins/boost/cache.ts';
import { renderPrompt, typeName } from '../../../plugins/boost/template.ts';

const plan = { kind: 'summary' as const, summary: 'yes', analysis: '' };

test('the memory plan cache forgets after the TTL and keeps at most maxEntries', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  const cache = new MemoryPlanCache(2);
  await cache.set('a', plan, 60_000);
  t.mock.timers.tick(59_999);
  assert.deepEqual(await cache.get('a'), plan);
  t.mock.timers.tick(1);
  assert.equal(await cache.get('a'), undefined, 'expired at 60 s');
  await cache.set('a', plan, 60_000);
  await cache.set('b', plan, 60_000);
  await cache.set('c', plan, 60_000);
  assert.equal(await cache.get('a'), undefined, 'the oldest entry made room');
  assert.deepEqual(await cache.get('c'), plan);
});

test('the plan key ignores the attribution block and cache_control, not the conversation', () => {
  const request = (cch: string, text: string, marked: boolean) => ({
    model: 'claude-opus-4-8',
    max_tokens: 10,
    system: [
      { type: 'text' as const, text: `x-anthropic-billing-header: cc_version=2.1.1; cch=${cch};` },
      {
        type: 'text' as const,
        text: 'Be helpful.',
        ...(marked && { cache_control: { type: 'ephemeral' as const } }),
      },
    ],
    messages: [{ role: 'user' as const, content: text }],
  });
  const key = planKey('gpt-4o', 'T', request('aaaaa', 'hi', true));
  assert.equal(planKey('gpt-4o', 'T', request('bbbbb', 'hi', false)), key);
  assert.notEqual(planKey('gpt-4o', 'T', request('aaaaa', 'hello', true)), key);
  assert.notEqual(planKey('gpt-4o-mini', 'T', request('aaaaa', 'hi', true)), key);
  assert.notEqual(planKey('gpt-4o', 'U', request('aaaaa', 'hi', true)), key);
});

test('a placeholder inside a filled value is not expanded again', () => {
  const prompt = renderPrompt('{user_request} / {tools_text}', {
    loop: 1,
    previousAttempts: [],
    userRequest: 'explain {tools_text} please',
    toolsText: '- Read',
  });
  assert.equal(prompt, 'explain {tools_text} please / - Read');
});

for (const [schema, name] of [
  [{ type: 'string' }, 'string'],
  [{ type: ['string', 'null'] }, 'string | null'],
  [{ enum: ['a', 'b'] }, '"a" | "b"'],
  [{ anyOf: [{ type: 'integer' }, { type: 'null' }] }, 'integer | null'],
  [
    { type: 'array', items: { type: 'array', items: { type: 'number' } } },
    'array of array of number',
  ],
  [{}, 'any'],
] as const) {
  test(`a parameter typed ${JSON.stringify(schema)} reads "${name}"`, () => {
    assert.equal(typeName(schema), name);
  });
}
