import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Db } from './db.ts';
import { MIGRATIONS } from './schema.ts';

type Statement = Database.Statement<unknown[], unknown>;

/**
 * better-sqlite3 (12.x: 13 needs Node 22) behind the `Db` interface: synchronous calls, statements
 * prepared once, WAL so that readers never wait for the batch writer.
 */
export class SqliteDb implements Db {
  readonly engine = 'sqlite';
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Statement>();
  readonly file: string;

  constructor(file: string) {
    this.file = file;
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.#db = new Database(file);
    // Another instance starting or flushing at once waits for the lock instead of failing.
    this.#db.pragma('busy_timeout = 5000');
    this.#db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL loses no committed transaction on a process crash (only on power loss).
    this.#db.pragma('synchronous = NORMAL');
  }

  #prepare(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) this.#statements.set(sql, (statement = this.#db.prepare(sql)));
    return statement;
  }

  query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return Promise.resolve(this.#prepare(sql).all(...params) as T[]);
  }

  run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return Promise.resolve(this.#prepare(sql).run(...params).changes);
  }

  insert(sql: string, params: readonly unknown[] = []): Promise<number | undefined> {
    // The rowid from the statement's own result: RETURNING through .all() costs about 2 µs more
    // per row (a result row and its array built).
    const { changes, lastInsertRowid } = this.#prepare(sql).run(...params);
    return Promise.resolve(changes ? Number(lastInsertRowid) : undefined);
  }

  async transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    // IMMEDIATE takes the write lock at once: two writers queue on busy_timeout, never deadlock.
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = await work(this);
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Applies the migrations this file lacks, in one write transaction: a second instance waits. */
  migrate(): void {
    this.#db.exec(
      'CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, at INTEGER)',
    );
    this.#db
      .transaction(() => {
        const done = new Set(
          (this.#db.prepare('SELECT version FROM migrations').all() as { version: number }[]).map(
            (r) => r.version,
          ),
        );
        for (const migration of MIGRATIONS) {
          if (done.has(migration.version)) continue;
          this.#db.exec(migration.sqlite);
          this.#db
            .prepare('INSERT INTO migrations (version, at) VALUES (?, ?)')
            .run(migration.version, Date.now());
        }
      })
      .immediate();
  }

  close(): Promise<void> {
    this.#db.close();
    return Promise.resolve();
  }
}
