import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { requestId } from '../../core/ids.ts';

test('request ids: req_ and 24 characters of [A-Za-z0-9], unique when many are made in one millisecond', (t) => {
  t.after(() => mock.timers.reset());
  mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-12-08T03:00:00Z') });
  const ids = Array.from({ length: 50_000 }, requestId);
  for (const id of ids.slice(0, 100)) assert.match(id, /^req_[A-Za-z0-9]{24}$/);
  assert.equal(new Set(ids).size, ids.length);
});

test('request ids sort in the order they were made, one millisecond apart or years apart', (t) => {
  t.after(() => mock.timers.reset());
  mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-12-08T03:00:00Z') });
  const made: string[] = [];
  for (const step of [1, 1, 61, 62, 3_844, 86_400_000, 100 * 365 * 86_400_000]) {
    made.push(requestId());
    mock.timers.tick(step);
  }
  made.push(requestId());
  // Sorted by code unit, as SQLite compares text (and PostgreSQL under the C collation).
  assert.deepEqual([...made].sort(), made);
});
