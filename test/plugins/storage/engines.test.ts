import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Storage } from '../../../core/storage.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { MemoryStorage } from '../../../plugins/storage/memory.ts';
import { SqlStorage } from '../../../plugins/storage/sql.ts';
import { PostgresDb } from '../../../plugins/storage/postgres.ts';
import { SqliteDb } from '../../../plugins/storage/sqlite.ts';
import { startTestPostgres } from '../../helpers/postgres.ts';
import { row } from './rows.ts';

/** Each engine runs the same suite; a factory returns a fresh, empty store. */
const engines: Array<[string, () => Promise<Storage>]> = [
  ['memory', () => Promise.resolve(new MemoryStorage())],
  ['sqlite', () => Promise.resolve(openSqlite())],
  ['postgres', openPostgres],
];

const silent = pino({ level: 'silent' });
/** One private PostgreSQL 15 cluster for this file, stopped after its tests. */
const cluster = startTestPostgres({ after });

/** A fresh database on the file's cluster, migrated as at start. */
async function openPostgres(): Promise<Storage> {
  const db = new PostgresDb(await (await cluster).database(), silent);
  await db.migrate();
  return new SqlStorage(db, { log: silent, redact: (text) => text });
}

/** A SQLite file in a fresh directory, removed when the process exits. */
function openSqlite(): Storage {
  const dir = mkdtempSync(join(tmpdir(), 'ccproxy-sqlite-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const db = new SqliteDb(join(dir, 'test.db'));
  db.migrate();
  return new SqlStorage(db, { log: silent, redact: (text) => text });
}

for (const [engine, open] of engines) {
  describe(`storage (${engine})`, () => {
    test('settings: JSON values round-trip; list by prefix is sorted; delete removes', async (t) => {
      const store = await open();
      t.after(() => store.close());
      const { settings } = store;
      assert.equal(await settings.get('switch'), undefined);
      await settings.set('switch', { big: 'openai,gpt-5', sessions: {} });
      await settings.set('provider:b', { baseUrl: 'http://b' });
      await settings.set('provider:a', { baseUrl: 'http://a' });
      await settings.set('provider:a', { baseUrl: 'http://a2' });
      assert.deepEqual(await settings.get('switch'), { big: 'openai,gpt-5', sessions: {} });
      assert.deepEqual(await settings.list('provider:'), [
        ['provider:a', { baseUrl: 'http://a2' }],
        ['provider:b', { baseUrl: 'http://b' }],
      ]);
      await settings.delete('provider:a');
      assert.deepEqual(await settings.list('provider:'), [['provider:b', { baseUrl: 'http://b' }]]);
    });

    test('requests: newest first, filters, and pages that later writes do not shift', async (t) => {
      const store = await open();
      t.after(() => store.close());
      const rows = Array.from({ length: 5 }, (_, i) => row({ status: i === 2 ? 502 : 200 }));
      for (const r of rows) store.record({ row: r });
      await store.flush();
      const first = await store.requests({ limit: 2 });
      assert.deepEqual(
        first.items.map((r) => r.id),
        [rows[4]!.id, rows[3]!.id],
      );
      // A row written between two pages lands before the first page, never inside the next.
      store.record({ row: row() });
      await store.flush();
      const second = await store.requests({ limit: 2, cursor: first.next_cursor! });
      assert.deepEqual(
        second.items.map((r) => r.id),
        [rows[2]!.id, rows[1]!.id],
      );
      const third = await store.requests({ limit: 2, cursor: second.next_cursor! });
      assert.deepEqual(
        third.items.map((r) => r.id),
        [rows[0]!.id],
      );
      assert.equal(third.next_cursor, null);
      const failed = await store.requests({ limit: 10, status: 502 });
      assert.deepEqual(failed.items, [rows[2]]);
    });

    test('usage: grouped totals; unpriced requests stay out of cost_usd, never counted as 0', async (t) => {
      const store = await open();
      t.after(() => store.close());
      store.record({ row: row({ model: 'gpt-4o', cost_usd: 0.25, saved_usd: 1 }) });
      store.record({ row: row({ model: 'gpt-4o', cost_usd: 0.5, saved_usd: 2, input_tokens: 7 }) });
      store.record({ row: row({ model: 'mystery', cost_usd: null, saved_usd: null }) });
      await store.flush();
      const report = await store.usage({ by: 'model' });
      const byKey = Object.fromEntries(report.rows.map((r) => [r.key, r]));
      assert.equal(byKey['openai,gpt-4o']!.requests, 2);
      assert.equal(byKey['openai,gpt-4o']!.input_tokens, 107);
      assert.equal(byKey['openai,gpt-4o']!.cost_usd, 0.75);
      assert.equal(byKey['openai,mystery']!.cost_usd, null);
      assert.equal(byKey['openai,mystery']!.unpriced_requests, 1);
      assert.equal(report.total.requests, 3);
      assert.equal(report.total.cost_usd, 0.75);
      assert.equal(report.total.saved_usd, 3);
    });

    test("sessions and spend: one session's requests, models and cost; spend by key since a time", async (t) => {
      const store = await open();
      t.after(() => store.close());
      const a1 = row({ session_id: 's1', key_id: 'k1', cost_usd: 0.1 });
      const a2 = row({
        session_id: 's1',
        key_id: 'k1',
        cost_usd: 0.2,
        provider: 'gemini',
        model: 'g',
      });
      const b = row({ session_id: 's2', key_id: 'k2', cost_usd: 5 });
      for (const r of [a1, a2, b]) store.record({ row: r });
      await store.flush();
      const session = await store.session('s1');
      assert.equal(session?.totals.requests, 2);
      assert.equal(Math.round(session.totals.cost_usd! * 100), 30);
      assert.deepEqual(
        session.requests.map((r) => r.id),
        [a2.id, a1.id],
      );
      assert.deepEqual(session.models.map((m) => m.provider).sort(), ['gemini', 'openai']);
      assert.equal(session.first, a1.time);
      assert.equal(await store.session('nope'), undefined);
      assert.equal(await store.spent({ key_id: 'k2', since: new Date(0) }), 5);
      assert.equal(await store.spent({ key_id: 'k2', since: new Date(Date.parse(b.time) + 1) }), 0);
    });

    test('spend counts rows still queued: a budget holds before the flush writes them', async (t) => {
      const store = await open();
      t.after(() => store.close());
      store.record({ row: row({ key_id: 'k9', cost_usd: 2 }) });
      assert.equal(await store.spent({ key_id: 'k9', since: new Date(0) }), 2);
      await store.flush();
      assert.equal(await store.spent({ key_id: 'k9', since: new Date(0) }), 2);
    });

    test('history: a body round-trips whole; search finds prompt and answer words only', async (t) => {
      const store = await open();
      t.after(() => store.close());
      const body = {
        system: 'You are terse.',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'where do aardvarks sleep' }] }],
        response: {
          role: 'assistant',
          content: [{ type: 'text', text: 'in burrows, said zebra' }],
        },
      };
      const kept = row();
      store.record({ row: kept, body });
      store.record({ row: row() });
      await store.flush();
      assert.deepEqual((await store.request(kept.id))?.body, body);
      for (const q of ['aardvarks', 'zebra', 'burrows zebra'])
        assert.deepEqual(
          (await store.requests({ q, limit: 10 })).items.map((r) => r.id),
          [kept.id],
          q,
        );
      assert.deepEqual((await store.requests({ q: 'giraffe', limit: 10 })).items, []);
    });

    // The SQL stores insert `ON CONFLICT (id) DO NOTHING`: a row written again (a batch retried
    // after a commit whose answer was lost) is skipped, and so is the body it carries.
    if (engine !== 'memory')
      test('a request id written twice stays one row with its first body; the next row keeps its own', async (t) => {
        const store = await open();
        t.after(() => store.close());
        const say = (text: string) => ({
          messages: [{ role: 'user', content: [{ type: 'text', text }] }],
          response: { role: 'assistant', content: [{ type: 'text', text: `${text}, done` }] },
        });
        const first = row();
        store.record({ row: first, body: say('first words') });
        await store.flush();
        const next = row();
        store.record({ row: first, body: say('again words') });
        store.record({ row: next, body: say('next words') });
        await store.flush();
        assert.deepEqual(
          (await store.requests({ limit: 10 })).items.map((r) => r.id),
          [next.id, first.id],
        );
        assert.deepEqual((await store.request(first.id))?.body, say('first words'));
        assert.deepEqual((await store.request(next.id))?.body, say('next words'));
        assert.deepEqual((await store.requests({ q: 'again', limit: 10 })).items, []);
      });
  });
}
