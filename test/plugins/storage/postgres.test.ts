import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import pino from 'pino';
import type { RequestRow } from '../../../core/storage.ts';
import { PostgresDb } from '../../../plugins/storage/postgres.ts';
import { SqlStorage } from '../../../plugins/storage/sql.ts';
import { startTestPostgres } from '../../helpers/postgres.ts';
import { user } from '../../helpers/proxy.ts';
import { until } from '../../helpers/until.ts';
import { startCockpit } from './cockpit-helpers.ts';

/** One private PostgreSQL 15 cluster for this file; tests that stop it start it again. */
const cluster = await startTestPostgres({ after });
const ask = { model: 'claude-sonnet-4-5', max_tokens: 16, messages: [user('hi')] };

test('postgres: instances starting together migrate once, under the advisory lock', async () => {
  const url = await cluster.database();
  const instances = Array.from({ length: 4 }, () => new PostgresDb(url, pino({ level: 'silent' })));
  try {
    await Promise.all(instances.map((db) => db.migrate()));
  } finally {
    await Promise.all(instances.map((db) => db.close()));
  }
  const client = new pg.Client(url);
  await client.connect();
  try {
    const { rows } = await client.query('SELECT version FROM migrations ORDER BY version');
    assert.deepEqual(rows, [{ version: 1 }, { version: 2 }]);
  } finally {
    await client.end();
  }
});

test('postgres: retention runs on one instance at a time; the lease passes on when its holder goes', async () => {
  const url = await cluster.database();
  const open = async () => {
    const db = new PostgresDb(url, pino({ level: 'silent' }));
    await db.migrate();
    const store = new SqlStorage(db, {
      log: pino({ level: 'silent' }),
      redact: (s) => s,
      jobsCheckMs: 20,
    });
    return store;
  };
  const stores = [await open(), await open(), await open()];
  const holders = () => stores.filter((s) => s.jobs.holder);
  try {
    await until(
      () => Promise.resolve(holders()),
      (h) => h.length === 1,
    );
    const [holder] = holders();
    // Its connection closes as a killed process's would: PostgreSQL frees the lock.
    await holder!.close();
    stores.splice(stores.indexOf(holder!), 1);
    const { value } = await until(
      () => Promise.resolve(holders()),
      (h) => h.length === 1,
    );
    assert.notEqual(value[0], holder);
    assert.equal(holders().length, 1);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
});

test('postgres: with the database down requests are served (budgets too), /health says so, and the queued rows are written when it returns', async (t) => {
  const { client, storage, admin, url } = await startCockpit(t, {
    // A budget reads spend from the database: while it is down, requests are still served.
    config: { storage: await cluster.database(), budgets: { day: 100 } },
  });
  const health = async () => {
    const response = await fetch(`${url}/health`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  // Alone on its database, the instance takes the jobs' lease at start.
  const first = await until(health, (h) => (h.body.storage as { jobs: boolean }).jobs);
  assert.deepEqual(first.value.body.storage, {
    engine: 'postgres',
    reachable: true,
    queued: 0,
    queuedChars: 0,
    failedFlushes: 0,
    dropped: 0,
    jobs: true,
  });

  await cluster.stop();
  t.after(() => cluster.start().catch(() => undefined)); // a failing assertion leaves it up
  const answered = await Promise.all([1, 2, 3].map(() => client.messages.create(ask)));
  assert.equal(answered.length, 3);
  await storage.flush(); // fails: the rows stay queued
  const down = await health();
  assert.equal(down.status, 200);
  assert.equal(down.body.status, 'degraded');
  const state = down.body.storage as { reachable: boolean; queued: number; failedFlushes: number };
  assert.equal(state.reachable, false);
  assert.equal(state.queued, 3);
  assert.ok(state.failedFlushes >= 1);

  await cluster.start();
  await storage.flush();
  const page = await admin<{ items: RequestRow[] }>('/api/requests');
  assert.deepEqual(
    page.body.items.map((r) => r.status),
    [200, 200, 200],
  );
  // The change channel (cluster) reconnects on its own, a second after it lost the database.
  const { value: up } = await until(health, (h) => h.body.status === 'ok');
  assert.deepEqual(up.body.storage, {
    engine: 'postgres',
    reachable: true,
    queued: 0,
    queuedChars: 0,
    failedFlushes: state.failedFlushes,
    dropped: 0,
    jobs: true,
  });
});
