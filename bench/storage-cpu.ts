import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { randomId, requestId } from '../core/ids.ts';
import type { RequestEntry, RequestRow } from '../core/storage.ts';
import { SqlStorage } from '../plugins/storage/sql.ts';
import { SqliteDb } from '../plugins/storage/sqlite.ts';
import { messagesBody } from './bodies.ts';

/**
 * The CPU SQLite storage spends per request, quietly and in-process: `--requests` requests of the
 * benchmark's 25 KB body recorded and written in batches of `--batch` (one flush each, as the
 * queue's one-second flush does under load), into a database that already holds `--rows` rows
 * written through the same path (a user's database grows). Ids come from `core/ids.ts`, as served;
 * the body is the same each time (its parts stored already), each answer is new.
 *
 *   node --import tsx bench/storage-cpu.ts --rows 100000 --requests 5000
 */
const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '5000' },
    batch: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    /** `random`: the rows already there have random ids (a database from before ids had time). */
    'old-ids': { type: 'string', default: 'served' },
  },
});
const [rows, requests, batch, rounds] = [args.rows, args.requests, args.batch, args.rounds].map(
  Number,
) as [number, number, number, number];

const dir = mkdtempSync(join(tmpdir(), 'ccproxy-storage-cpu-'));
const db = new SqliteDb(join(dir, 'ccproxy.db'));
db.migrate();
const store = new SqlStorage(db, {
  log: pino({ level: 'silent' }),
  redact: (text) => text,
  flushMs: 3_600_000,
});
const received = Buffer.from(
  messagesBody({ size: 'normal', mode: 'text', stream: false, model: 'claude-sonnet-4-5' }),
);
/** Each answer new, as a user's are: its part is written and its words indexed. */
const answer = (i: number) => ({
  role: 'assistant',
  content: [{ type: 'text', text: `Answer ${i}: the config loads and the tests pass. `.repeat(8) }],
});

/** A finished request's row, as `usage()` records it; a few sessions, as Claude Code sends. */
function row(i: number, ts: number, id = requestId()): RequestRow {
  return {
    id,
    time: new Date(ts).toISOString(),
    session_id: `session-${i % 8}`,
    agent_id: null,
    key_id: null,
    requested_model: 'claude-sonnet-4-5',
    route: 'default',
    provider: 'openai',
    model: 'gpt-4o',
    attempts: [{ target: 'openai,gpt-4o' }],
    status: 200,
    error_type: null,
    stream: false,
    duration_ms: 12.5,
    ttft_ms: null,
    input_tokens: 1200,
    output_tokens: 80,
    cache_read_input_tokens: 0,
    cache_creation_input_tokens: 0,
    cost_usd: 0.0042,
    saved_usd: null,
    price_source: 'openai',
    instance: null,
  };
}

/** One request with its body, parsed from its own copy of the received text. */
function entry(i: number, ts: number): RequestEntry {
  const raw = received.toString('utf8');
  const request = JSON.parse(raw) as { messages: unknown[]; system: unknown; tools: unknown };
  const { messages, system, tools } = request;
  return {
    row: row(i, ts),
    body: { messages, system, tools, response: answer(i), raw },
  };
}

const oldId = args['old-ids'] === 'random' ? () => `req_${randomId()}` : requestId;
// The database as a user's grows: rows written through the same path, a millisecond apart.
const start = Date.now() - rows - 60_000;
for (let i = 0; i < rows; i += 5000) {
  for (let j = i; j < Math.min(rows, i + 5000); j++)
    store.record({ row: row(j, start + j, oldId()) });
  await store.flush();
}
// The body's parts stored by an earlier flush, as in a running session.
store.record(entry(0, Date.now()));
await store.flush();

const us = (usage: NodeJS.CpuUsage, n: number) => ((usage.user + usage.system) / n).toFixed(1);
for (let round = 1; round <= rounds; round++) {
  let record = { user: 0, system: 0 };
  let write = { user: 0, system: 0 };
  for (let i = 0; i < requests; i += batch) {
    const n = Math.min(batch, requests - i);
    const entries = Array.from({ length: n }, (_, j) => entry(i + j, Date.now()));
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
await store.close();
rmSync(dir, { recursive: true, force: true });
