import { parseArgs } from 'node:util';
import { randomId, requestId } from '../core/ids.ts';
import { benchEntry, benchRow, tempSqliteStore } from './sqlite-store.ts';

/**
 * The CPU SQLite storage spends per request, quietly and in-process: `--requests` requests of the
 * benchmark's 25 KB body recorded and written in batches of `--batch` (one flush each, as the
 * queue's one-second flush does under load), into a database that already holds `--rows` rows
 * written through the same path (a user's database grows; `--history`: with their bodies' parts
 * and words). Ids come from `core/ids.ts`, as served; the body is the same each time (its parts
 * stored already), each answer is new.
 *
 *   node --import tsx bench/storage-cpu.ts --rows 100000 --history --requests 5000
 */
const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '5000' },
    batch: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    /** `random`: the rows already there have random ids (a database from before ids had time). */
    'old-ids': { type: 'string', default: 'served' },
    /** The rows already there have history too: a new question and answer each (parts, words). */
    history: { type: 'boolean', default: false },
  },
});
const [rows, requests, batch, rounds] = [args.rows, args.requests, args.batch, args.rounds].map(
  Number,
) as [number, number, number, number];

const { store, remove } = tempSqliteStore('ccproxy-storage-cpu-');

/** A row of one of a few sessions, as Claude Code sends them (history compares their turns). */
const row = (i: number, ts: number, id = requestId()) =>
  benchRow({ id, time: new Date(ts).toISOString(), session_id: `session-${i % 8}` });

let answers = 0;
/** Each answer new, as a user's are: its part is written and its words indexed. */
const answer = () => ({
  role: 'assistant',
  content: [
    { type: 'text', text: `Answer ${++answers}: the config loads and the tests pass. `.repeat(8) },
  ],
});
/** A small body of its own: a new question and a new answer. */
const exchange = (i: number) => ({
  messages: [{ role: 'user', content: `Question ${i}: why does the build fail?` }],
  response: answer(),
});

const oldId = args['old-ids'] === 'random' ? () => `req_${randomId()}` : requestId;
// The database as a user's grows: rows written through the same path, a millisecond apart.
const start = Date.now() - rows - 60_000;
for (let i = 0; i < rows; i += 5000) {
  for (let j = i; j < Math.min(rows, i + 5000); j++)
    store.record({ row: row(j, start + j, oldId()), body: args.history ? exchange(j) : undefined });
  await store.flush();
}
// The body's parts stored by an earlier flush, as in a running session.
store.record(benchEntry(row(0, Date.now()), answer()));
await store.flush();

const us = (usage: NodeJS.CpuUsage, n: number) => ((usage.user + usage.system) / n).toFixed(1);
for (let round = 1; round <= rounds; round++) {
  let record = { user: 0, system: 0 };
  let write = { user: 0, system: 0 };
  for (let i = 0; i < requests; i += batch) {
    const n = Math.min(batch, requests - i);
    const entries = Array.from({ length: n }, (_, j) =>
      benchEntry(row(i + j, Date.now()), answer()),
    );
    let cpu = process.cpuUsage();
    for (const e of entries) store.record(e);
    const recorded = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    await store.flush();
    const written = process.cpuUsage(cpu);
    record = { user: record.user + recorded.user, system: record.system + recorded.system };
    write = { user: write.user + written.user, system: write.system + written.system };
  }
  process.stdout.write(
    `round ${round}: ${rows} rows before; CPU µs per request: record ${us(record, requests)}, ` +
      `write ${us(write, requests)}\n`,
  );
}
await remove();
