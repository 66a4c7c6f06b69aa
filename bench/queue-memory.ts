import { parseArgs } from 'node:util';
import type { RequestEntry } from '../core/storage.ts';
import { RECEIVED, benchEntry, benchRow, tempSqliteStore } from './sqlite-store.ts';

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

const { store, remove } = tempSqliteStore('ccproxy-queue-');
const answer = { role: 'assistant', content: [{ type: 'text', text: 'Done. '.repeat(40) }] };

/** One request as `usage()` records it: the body parsed from its own copy of the received text. */
const entry = (i: number): RequestEntry =>
  benchEntry(benchRow({ id: `req_${i}`, time: new Date().toISOString() }), structuredClone(answer));

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
await remove();

const us = (usage: NodeJS.CpuUsage) => ((usage.user + usage.system) / requests).toFixed(0);
process.stdout.write(
  `${requests} queued requests of ${RECEIVED.length} B hold ${(held / 1e6).toFixed(1)} MB of heap ` +
    `(${(held / requests / 1024).toFixed(1)} KB each); CPU per request: ${us(recorded)} µs to parse ` +
    `and record, ${us(total)} µs with the write\n`,
);
