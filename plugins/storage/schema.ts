/**
 * The database's tables, as numbered migrations: each runs once, in order, in the transaction that
 * records it. Never edit a released migration; add the next one.
 */
export interface Migration {
  version: number;
  sqlite: string;
  postgres: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sqlite: `
      CREATE TABLE requests (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        ts INTEGER NOT NULL,
        session_id TEXT, agent_id TEXT, key_id TEXT,
        requested_model TEXT NOT NULL, route TEXT NOT NULL,
        provider TEXT NOT NULL, model TEXT NOT NULL, attempts TEXT NOT NULL,
        status INTEGER NOT NULL, error_type TEXT, stream INTEGER NOT NULL,
        duration_ms REAL NOT NULL, ttft_ms REAL,
        input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
        cache_read_input_tokens INTEGER NOT NULL, cache_creation_input_tokens INTEGER NOT NULL,
        cost_usd REAL, saved_usd REAL, price_source TEXT
      );
      CREATE INDEX requests_ts ON requests (ts);
      CREATE INDEX requests_session ON requests (session_id, seq);
      CREATE INDEX requests_key ON requests (key_id, ts);
      CREATE TABLE parts (hash TEXT PRIMARY KEY, body TEXT NOT NULL, last_ts INTEGER NOT NULL);
      CREATE INDEX parts_last_ts ON parts (last_ts);
      CREATE TABLE history (seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, manifest TEXT NOT NULL);
      CREATE INDEX history_ts ON history (ts);
      CREATE VIRTUAL TABLE history_fts USING fts5 (text, content = '', contentless_delete = 1);
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
    postgres: `
      CREATE TABLE requests (
        seq BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        ts BIGINT NOT NULL,
        session_id TEXT, agent_id TEXT, key_id TEXT,
        requested_model TEXT NOT NULL, route TEXT NOT NULL,
        provider TEXT NOT NULL, model TEXT NOT NULL, attempts TEXT NOT NULL,
        status INTEGER NOT NULL, error_type TEXT, stream BOOLEAN NOT NULL,
        duration_ms DOUBLE PRECISION NOT NULL, ttft_ms DOUBLE PRECISION,
        input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL,
        cache_read_input_tokens BIGINT NOT NULL, cache_creation_input_tokens BIGINT NOT NULL,
        cost_usd DOUBLE PRECISION, saved_usd DOUBLE PRECISION, price_source TEXT
      );
      CREATE INDEX requests_ts ON requests (ts);
      CREATE INDEX requests_session ON requests (session_id, seq);
      CREATE INDEX requests_key ON requests (key_id, ts);
      CREATE TABLE parts (hash TEXT PRIMARY KEY, body TEXT NOT NULL, last_ts BIGINT NOT NULL);
      CREATE INDEX parts_last_ts ON parts (last_ts);
      CREATE TABLE history (
        seq BIGINT PRIMARY KEY, ts BIGINT NOT NULL, manifest TEXT NOT NULL, search TSVECTOR
      );
      CREATE INDEX history_ts ON history (ts);
      CREATE INDEX history_search ON history USING GIN (search);
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
  {
    // Several instances share one database: each row says which one served it.
    version: 2,
    sqlite: 'ALTER TABLE requests ADD COLUMN instance TEXT;',
    postgres: 'ALTER TABLE requests ADD COLUMN instance TEXT;',
  },
];
