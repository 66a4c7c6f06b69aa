import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { startTestPostgres } from '../../helpers/postgres.ts';
import { until } from '../../helpers/until.ts';
import { ask, startGroup, type Instance } from './instances.ts';

const postgres = await startTestPostgres({ after });

/** Rows per instance, read straight from the database. */
async function rowsByInstance(url: string): Promise<Record<string, number>> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const { rows } = await client.query<{ instance: string; n: string }>(
      'SELECT instance, COUNT(*) AS n FROM requests GROUP BY instance',
    );
    return Object.fromEntries(rows.map((r) => [r.instance, Number(r.n)]));
  } finally {
    await client.end();
  }
}

/** `count` questions in a row through `instance`; resolves to how many were answered. */
async function load(instance: Instance, count: number, between?: (i: number) => Promise<void>) {
  let answered = 0;
  for (let i = 0; i < count; i++) {
    await between?.(i);
    if ((await ask(instance).catch(() => '')) === 'from a') answered++;
  }
  return answered;
}

test('cluster: an instance SIGKILLed under load: the others keep serving and every row they answered is stored', async (t) => {
  const url = await postgres.database();
  const { instances } = await startGroup(t, { count: 3, storage: url });
  const [i1, i2, i3] = instances as [Instance, Instance, Instance];
  const kill = load(i3, 40, async (i) => {
    if (i === 10) {
      i3.cli.child.kill('SIGKILL');
      await i3.cli.exited;
    }
  });
  const [a1, a2, a3] = await Promise.all([load(i1, 20), load(i2, 20), kill]);
  t.diagnostic(`i3 killed after 10 answers; i1 and i2 answered ${a1} and ${a2} of 20`);
  assert.deepEqual([a1, a2], [20, 20]);
  assert.equal(a3, 10);
  for (const survivor of [i1, i2]) {
    survivor.cli.child.kill('SIGTERM'); // writes what is queued before exiting
    assert.equal(await survivor.cli.exited, 0);
  }
  const rows = await rowsByInstance(url);
  assert.equal(rows.i1, 20);
  assert.equal(rows.i2, 20);
  // i3's rows of its last second may be lost (SIGKILL); none of another instance's.
  assert.ok((rows.i3 ?? 0) <= 10);
});

test('cluster: PostgreSQL restarted under load: every request is answered and the queued rows are written when it returns', async (t) => {
  const url = await postgres.database();
  const { instances } = await startGroup(t, { count: 2, storage: url });
  const [i1, i2] = instances as [Instance, Instance];
  const health = async (i: Instance) =>
    (await (await fetch(`${i.url}/health`)).json()) as {
      storage: { reachable: boolean; queued: number };
    };
  let restarted: Promise<void> | undefined;
  const outage = async (i: number) => {
    if (i === 5) await postgres.stop();
    if (i === 15) {
      // Rows of the outage are queued, not lost.
      const { value } = await until(
        () => health(i1),
        (h) => !h.storage.reachable,
      );
      assert.ok(value.storage.queued > 0);
      restarted = postgres.start();
      await restarted;
    }
  };
  const [a1, a2] = await Promise.all([load(i1, 25, outage), load(i2, 25)]);
  await restarted;
  assert.deepEqual([a1, a2], [25, 25]);
  for (const i of instances) {
    const { ms } = await until(
      () => health(i),
      (h) => h.storage.reachable && h.storage.queued === 0,
    );
    t.diagnostic(`${i.id}: queue empty ${Math.round(ms)} ms after the load ended`);
  }
  assert.deepEqual(await rowsByInstance(url), { i1: 25, i2: 25 });
});
