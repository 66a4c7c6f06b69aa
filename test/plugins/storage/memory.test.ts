import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStorage } from '../../../plugins/storage/memory.ts';
import { row } from './rows.ts';

const body = (word: string, size: number) => ({
  messages: [{ role: 'user', content: `${word} ${'x'.repeat(size)}` }],
  response: { role: 'assistant', content: [{ type: 'text', text: 'ok' }] },
});

test('storage: false keeps bodies within a budget: the oldest go first, every row (usage) stays, search finds what is kept', async () => {
  const store = new MemoryStorage({ bodyChars: 10_000 });
  const rows = ['alpha', 'bravo', 'charlie', 'delta'].map((word) => {
    const r = row();
    store.record({ row: r, body: body(word, 4_000) });
    return r;
  });
  const kept = await Promise.all(rows.map((r) => store.request(r.id)));
  assert.deepEqual(
    kept.map((detail) => detail?.body !== null),
    [false, false, true, true],
    'the two newest bodies fit in 10,000 characters',
  );
  assert.equal((await store.usage({ by: 'model' })).total.requests, 4);
  const found = async (q: string) => (await store.requests({ q, limit: 10 })).items.length;
  assert.equal(await found('delta'), 1);
  assert.equal(await found('alpha'), 0, 'a dropped body is not searched');
  assert.ok(!('raw' in (kept[3]!.body as object)), 'the received text is never kept');
});
