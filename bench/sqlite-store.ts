import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { RequestEntry, RequestRow } from '../core/storage.ts';
import { SqlStorage } from '../plugins/storage/sql.ts';
import { SqliteDb } from '../plugins/storage/sqlite.ts';
import { messagesBody } from './bodies.ts';

/** The benchmark's 25 KB Claude Code-shaped body, as a client sends it. */
export const RECEIVED = Buffer.from(
  messagesBody({ size: 'normal', mode: 'text', stream: false, model: 'claude-sonnet-4-5' }),
);

/**
 * SQLite storage on a file in a fresh temporary folder, flushed only when asked (the in-process
 * measures call `flush()`); `remove()` closes it and deletes the folder.
 */
export function tempSqliteStore(prefix: string): {
  store: SqlStorage;
  remove: () => Promise<void>;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const db = new SqliteDb(join(dir, 'ccproxy.db'));
  db.migrate();
  const store = new SqlStorage(db, {
    log: pino({ level: 'silent' }),
    redact: (text) => text,
    flushMs: 3_600_000,
  });
  const remove = async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { store, remove };
}

/** A finished request's row as `usage()` records it; `fields` set what a measure varies. */
export const benchRow = (fields: Pick<RequestRow, 'id' | 'time'> & Partial<RequestRow>) => ({
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
  ...fields,
});

/** `row` with the body `usage()` records: parsed from its own copy of the received text. */
export function benchEntry(row: RequestRow, response: unknown): RequestEntry {
  const raw = RECEIVED.toString('utf8');
  const request = JSON.parse(raw) as { messages: unknown[]; system: unknown; tools: unknown };
  const { messages, system, tools } = request;
  return { row, body: { messages, system, tools, response, raw } };
}
