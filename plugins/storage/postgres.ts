import pg from 'pg';
import type { Logger } from 'pino';
import type { Db } from './db.ts';
import { MIGRATIONS } from './schema.ts';

/** Numbers that are ours: instances of every ccproxy version take the same locks. */
const MIGRATION_LOCK = 0x63637078; // "ccpx"
const JOBS_LOCK = 0x63637079;

/** `?` placeholders as PostgreSQL's `$1, $2, …`; our SQL has no `?` inside string literals. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** One connection or the pool behind the `Db` interface. */
class PgQueries {
  readonly engine = 'postgres';
  readonly #on: Queryable;
  readonly #sql: Map<string, string>;

  constructor(on: Queryable, sql: Map<string, string>) {
    this.#on = on;
    this.#sql = sql;
  }

  #text(sql: string): string {
    let text = this.#sql.get(sql);
    if (text === undefined) this.#sql.set(sql, (text = numberPlaceholders(sql)));
    return text;
  }

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const result = await this.#on.query(this.#text(sql), params as unknown[]);
    return result.rows as T[];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return (await this.#on.query(this.#text(sql), params as unknown[])).rowCount ?? 0;
  }

  async insert(sql: string, params: readonly unknown[] = []): Promise<number | undefined> {
    const [row] = await this.query<{ seq: string }>(`${sql} RETURNING seq`, params);
    return row && Number(row.seq);
  }
}

/**
 * PostgreSQL through `pg`'s pool. Connections fail fast (`connectTimeoutMs`) when the database is
 * down, so a flush fails and stays queued instead of hanging; an idle connection the server drops
 * is logged and replaced, never an uncaught error.
 */
export class PostgresDb extends PgQueries implements Db {
  readonly pool: pg.Pool;
  readonly #sql: Map<string, string>;
  readonly #url: string;
  /** The connection holding the jobs' advisory lock, while this process holds it. */
  #leaseHolder: pg.Client | undefined;

  constructor(url: string, log: Logger, options: { connectTimeoutMs?: number } = {}) {
    const pool = new pg.Pool({
      connectionString: url,
      max: 4,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
      idleTimeoutMillis: 30_000,
      application_name: 'ccproxy',
    });
    const sql = new Map<string, string>();
    super(pool, sql);
    this.pool = pool;
    this.#sql = sql;
    this.#url = url;
    pool.on('error', (err) => log.warn({ err }, 'storage: a PostgreSQL connection dropped'));
  }

  async transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx = new PgTransaction(client, this.#sql);
    try {
      await client.query('BEGIN');
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Applies the missing migrations in one transaction under an advisory lock: instances starting
   * together wait for the first one, then find its migrations done.
   */
  async migrate(): Promise<void> {
    await this.transaction(async (tx) => {
      await tx.run('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
      await tx.run(
        'CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, at BIGINT)',
      );
      const done = new Set(
        (await tx.query<{ version: number }>('SELECT version FROM migrations')).map(
          (r) => r.version,
        ),
      );
      for (const migration of MIGRATIONS) {
        if (done.has(migration.version)) continue;
        await tx.run(migration.postgres);
        await tx.run('INSERT INTO migrations (version, at) VALUES (?, ?)', [
          migration.version,
          Date.now(),
        ]);
      }
    });
  }

  /**
   * The jobs' lease is a session advisory lock on a connection of its own: PostgreSQL releases it
   * when that connection closes, so it passes on when this process stops or dies.
   */
  async lease(): Promise<boolean> {
    if (this.#leaseHolder) return true;
    const client = new pg.Client({
      connectionString: this.#url,
      connectionTimeoutMillis: 3000,
      application_name: 'ccproxy-jobs',
    });
    const drop = () => {
      if (this.#leaseHolder === client) this.#leaseHolder = undefined;
    };
    client.on('error', drop);
    client.on('end', drop);
    try {
      await client.connect();
      const { rows } = await client.query<{ held: boolean }>(
        'SELECT pg_try_advisory_lock($1) AS held',
        [JOBS_LOCK],
      );
      if (rows[0]?.held) {
        this.#leaseHolder = client;
        return true;
      }
    } catch {
      // Unreachable: not the holder; the next check tries again.
    }
    await client.end().catch(() => undefined);
    return false;
  }

  async close(): Promise<void> {
    await this.#leaseHolder?.end().catch(() => undefined);
    await this.pool.end();
  }
}

/** The statements of one transaction, all on its connection. */
class PgTransaction extends PgQueries implements Db {
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    return work(this); // already inside one
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
