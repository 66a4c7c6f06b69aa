import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import type { RequestEntry } from '../core/storage.ts';
import { SqlStorage } from '../plugins/storage/sql.ts';
import { SqliteDb } from '../plugins/storage/sqlite.ts';
import { messagesBody } from './bodies.ts';

/**
 * What SQLite storage holds and spends per request, without the noise of a shared machine: the
 * heap its write queue holds for `--requests` recorded requests of the benchmark's 25 KB body (its
 * parts stored by an earlier flush, as in a running session), and the CPU of recording and
 * writing them. `--expose-gc` is needed to read the heap.
 *
 *   node --expose-gc --import tsx bench/queue-memory.ts --requests 1000
 */
const { values: args } = parseArgs({ options: { requests: { type: 'string', default: '1000' } } });
const requests = Number(args.requests);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const dir = mkdtempSync(join(tmpdir(), 'ccproxy-queue-'));
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
const answer = { role: 'assistant', content: [{ type: 'text', text: 'Done. '.repeat(40) }] };

/** One request as `usage()` records it: the body parsed from its own copy of the received text. */
function entry(i: number): RequestEntry {
  const raw = received.toString('utf8');
  const request = JSON.parse(raw) as { messages: unknown[]; system: unknown; tools: unknown };
  const row = {
    id: `req_${i}`,
    time: new Date().toISOString(),
    session_id: null,
    agent_id: null,
    key_id: null,
    requested_model: 'claude-sonnet-4-5',
    route: 'default',
    provider: 'openai',
    model: 'gpt-4o',
    attempts: [],
    status: 200,
    error_type: null,
    stream: false,
    duration_ms: 1,
    ttft_ms: null,
    input_tokens: 1,
    output_tokens: 1,
    cache_read_input_tokens: 0,
    cache_creation_input_tokens: 0,
    cost_usd: null,
    saved_usd: null,
    price_source: null,
    instance: null,
  };
  const { messages, system, tools } = request;
  return { row, body: { messages, system, tools, response: structuredClone(answer), raw } };
}

store.record(entry(0));
await store.flush();
gc();
const heap = process.memoryUsage().heapUsed;
const cpu = process.cpuUsage();
for (let i = 1; i <= requests; i++) store.record(entry(i));
const recorded = process.cpuUsage(cpu);
gc();
const held = process.memoryUsage().heapUsed - heap;
await store.flush();
const total = process.cpuUsage(cpu);
await store.close();
rmSync(dir, { recursive: true, force: true });

const us = (usage: NodeJS.CpuUsage) => ((usage.user + usage.system) / requests).toFixed(0);
process.stdout.write(
  `${requests} queued requests of ${received.length} B hold ${(held / 1e6).toFixed(1)} MB of heap ` +
    `(${(held / requests / 1024).toFixed(1)} KB each); CPU per request: ${us(recorded)} µs to parse ` +
    `and record, ${us(total)} µs with the write\n`,
);
