import type { Logger } from 'pino';
import type {
  RequestDetail,
  RequestEntry,
  RequestPage,
  RequestQuery,
  RequestRow,
  SessionSummary,
  SettingsStore,
  SpendScope,
  Storage,
  StorageHealth,
  UsageGroup,
  UsageQuery,
  UsageReport,
} from '../../core/storage.ts';
import type { Db } from './db.ts';
import { summarize } from './memory.ts';
import { HeldParts, type QueuedEntry } from './held.ts';
import { joinBody, searchText, type Manifest } from './parts.ts';
import { PeriodicJobs } from './jobs.ts';
import { WriteQueue, type QueueOptions } from './queue.ts';
import { SqlSettings } from './sql-settings.ts';
import { decodeCursor, emptyTotals, encodeCursor, inScope } from './totals.ts';

export interface SqlStorageOptions extends QueueOptions {
  log: Logger;
  /** Redacts secrets from text before it is written. */
  redact: (text: string) => string;
  /** Bodies older than this are deleted (rows are kept). Default 30. */
  retentionDays?: number;
  /** Milliseconds between two checks of the jobs' lease. Default 15 000. */
  jobsCheckMs?: number;
}

const COLUMNS = [
  'id',
  'ts',
  'session_id',
  'agent_id',
  'key_id',
  'requested_model',
  'route',
  'provider',
  'model',
  'attempts',
  'status',
  'error_type',
  'stream',
  'duration_ms',
  'ttft_ms',
  'input_tokens',
  'output_tokens',
  'cache_read_input_tokens',
  'cache_creation_input_tokens',
  'cost_usd',
  'saved_usd',
  'price_source',
  'instance',
] as const;
const INSERT_ROW = `INSERT INTO requests (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT (id) DO NOTHING`;
const SELECT_ROW = `SELECT seq, ${COLUMNS.join(', ')} FROM requests`;

type DbRow = Record<(typeof COLUMNS)[number] | 'seq', unknown>;

const TOTALS = `COUNT(*) AS requests, SUM(input_tokens) AS input_tokens,
  SUM(output_tokens) AS output_tokens, SUM(cache_read_input_tokens) AS cache_read_input_tokens,
  SUM(cache_creation_input_tokens) AS cache_creation_input_tokens, SUM(cost_usd) AS cost_usd,
  SUM(saved_usd) AS saved_usd, SUM(CASE WHEN cost_usd IS NULL THEN 1 ELSE 0 END) AS unpriced_requests`;

const nullable = (value: unknown): number | null => (value === null ? null : Number(value));

/** A database row as the API's `RequestRow` (PostgreSQL's BIGINT arrives as a string). */
function toRow(r: DbRow): RequestRow {
  return {
    id: r.id as string,
    time: new Date(Number(r.ts)).toISOString(),
    session_id: r.session_id as string | null,
    agent_id: r.agent_id as string | null,
    key_id: r.key_id as string | null,
    requested_model: r.requested_model as string,
    route: r.route as string,
    provider: r.provider as string,
    model: r.model as string,
    attempts: JSON.parse(r.attempts as string) as RequestRow['attempts'],
    status: Number(r.status),
    error_type: r.error_type as string | null,
    stream: Boolean(r.stream),
    duration_ms: Number(r.duration_ms),
    ttft_ms: nullable(r.ttft_ms),
    input_tokens: Number(r.input_tokens),
    output_tokens: Number(r.output_tokens),
    cache_read_input_tokens: Number(r.cache_read_input_tokens),
    cache_creation_input_tokens: Number(r.cache_creation_input_tokens),
    cost_usd: nullable(r.cost_usd),
    saved_usd: nullable(r.saved_usd),
    price_source: r.price_source as string | null,
    instance: r.instance as string | null,
  };
}

/**
 * The conversation a request continues: its Claude Code session, subagent and model (a session's
 * side requests to a small model are other conversations); none without a session.
 */
const conversationOf = (row: RequestRow): string | undefined =>
  row.session_id === null
    ? undefined
    : `${row.session_id}\n${row.agent_id ?? ''}\n${row.requested_model}`;

/** How stale a stored part's `last_ts` may get before a request resending it moves it. */
const TOUCH_EVERY_MS = 3_600_000;

/**
 * Storage on a SQL database (SQLite or PostgreSQL): the same statements, with the engine's own
 * full-text search (FTS5, `tsvector`) and day grouping. Writes go through a `WriteQueue`.
 */

export class SqlStorage implements Storage {
  readonly settings: SettingsStore;
  readonly queue: WriteQueue<QueuedEntry>;
  readonly #db: Db;
  readonly #retentionMs: number;
  readonly #touchEveryMs: number;
  /**
   * Parts known to be stored → when their `last_ts` was last written: a resent message is neither
   * redacted nor written again, and its `last_ts` (which retention reads, in days) is moved at
   * most once per `TOUCH_EVERY_MS`, not once per request that resends it.
   */
  #known = new Map<string, number>();
  /** The parts queued requests hold until they are written. */
  readonly #held: HeldParts;
  /** Retention, run by one instance at a time. */
  readonly jobs: PeriodicJobs;

  constructor(db: Db, options: SqlStorageOptions) {
    this.#db = db;
    this.#retentionMs = (options.retentionDays ?? 30) * 86_400_000;
    this.#touchEveryMs = Math.min(TOUCH_EVERY_MS, this.#retentionMs / 2);
    this.#held = new HeldParts(options.redact, (hash, ts) => this.#isStored(hash, ts));
    this.queue = new WriteQueue<QueuedEntry>(
      {
        write: (batch) => this.#write(batch),
        release: (entry) => this.#held.release(entry),
        log: options.log,
      },
      options,
    );
    this.settings = new SqlSettings(db);
    this.jobs = new PeriodicJobs({
      lease: db.lease?.bind(db),
      run: () => this.prune(),
      log: options.log,
      checkMs: options.jobsCheckMs,
    });
  }

  get engine(): string {
    return this.#db.engine;
  }

  record(entry: RequestEntry): void {
    // Cut now, not at the flush: the queue keeps the new parts only, not the client's body.
    const { row, body } = entry;
    const history = body && this.#held.hold(body, Date.parse(row.time), conversationOf(row));
    this.queue.push({ row, history });
  }

  flush(): Promise<void> {
    return this.queue.flush();
  }

  async #write(batch: QueuedEntry[]): Promise<void> {
    const touched = new Set<string>();
    /** Parts inserted or whose `last_ts` moved in this transaction: known once it commits. */
    const written = new Map<string, number>();
    await this.#db.transaction(async (tx) => {
      for (const { row: r, history } of batch) {
        const seq = await tx.insert(INSERT_ROW, [
          r.id,
          Date.parse(r.time),
          r.session_id,
          r.agent_id,
          r.key_id,
          r.requested_model,
          r.route,
          r.provider,
          r.model,
          JSON.stringify(r.attempts),
          r.status,
          r.error_type,
          tx.engine === 'sqlite' ? Number(r.stream) : r.stream,
          r.duration_ms,
          r.ttft_ms,
          r.input_tokens,
          r.output_tokens,
          r.cache_read_input_tokens,
          r.cache_creation_input_tokens,
          r.cost_usd,
          r.saved_usd,
          r.price_source,
          r.instance,
        ]);
        if (seq === undefined || !history) continue;
        const ts = Date.parse(r.time);
        const words: string[] = [];
        for (const part of history.parts) {
          // Written by an earlier request of this batch, or since this one was recorded.
          if (touched.has(part.hash) || this.#isStored(part.hash, ts)) continue;
          touched.add(part.hash);
          // New, or stored but due a `last_ts` move: one statement either way (and a part that
          // retention removed meanwhile is stored again).
          await tx.run(
            `INSERT INTO parts (hash, body, last_ts) VALUES (?, ?, ?)
             ON CONFLICT (hash) DO UPDATE SET last_ts = excluded.last_ts`,
            [part.hash, part.redacted, ts],
          );
          written.set(part.hash, ts);
          if (part.searchable && !this.#known.has(part.hash)) words.push(searchText(part.redacted));
        }
        const manifest = JSON.stringify(history.manifest);
        const text = words.join('\n');
        if (tx.engine === 'sqlite') {
          await tx.run('INSERT INTO history (seq, ts, manifest) VALUES (?, ?, ?)', [
            seq,
            ts,
            manifest,
          ]);
          if (text)
            await tx.run('INSERT INTO history_fts (rowid, text) VALUES (?, ?)', [seq, text]);
        } else {
          await tx.run(
            `INSERT INTO history (seq, ts, manifest, search) VALUES (?, ?, ?, to_tsvector('simple', ?))`,
            [seq, ts, manifest, text],
          );
        }
      }
    });
    if (this.#known.size > 200_000) this.#known = new Map();
    for (const [hash, ts] of written) this.#known.set(hash, ts);
  }

  /**
   * Whether a part is stored with a `last_ts` fresh enough for a request made at `ts`: moved at
   * most once per `#touchEveryMs`, which stays under half the retention so that retention never
   * removes a part a queued request counts on.
   */
  #isStored(hash: string, ts: number): boolean {
    return ts - (this.#known.get(hash) ?? -Infinity) < this.#touchEveryMs;
  }

  async usage(query: UsageQuery): Promise<UsageReport> {
    const where = new Where().range(query.from, query.to);
    const rows = await this.#db.query<Record<string, unknown>>(
      `SELECT ${groupExpr(this.#db.engine, query.by)} AS key, ${TOTALS} FROM requests ${where.sql()} GROUP BY 1 ORDER BY 1`,
      where.params,
    );
    const total = emptyTotals();
    const report: UsageReport = { rows: [], total };
    for (const r of rows) {
      const totals = {
        // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a text or a number
        key: r.key === null ? null : String(r.key),
        requests: Number(r.requests),
        input_tokens: Number(r.input_tokens),
        output_tokens: Number(r.output_tokens),
        cache_read_input_tokens: Number(r.cache_read_input_tokens),
        cache_creation_input_tokens: Number(r.cache_creation_input_tokens),
        cost_usd: nullable(r.cost_usd),
        saved_usd: nullable(r.saved_usd),
        unpriced_requests: Number(r.unpriced_requests),
      };
      report.rows.push(totals);
      for (const k of [
        'requests',
        'input_tokens',
        'output_tokens',
        'cache_read_input_tokens',
        'cache_creation_input_tokens',
        'unpriced_requests',
      ] as const)
        total[k] += totals[k];
      if (totals.cost_usd !== null) total.cost_usd = (total.cost_usd ?? 0) + totals.cost_usd;
      if (totals.saved_usd !== null) total.saved_usd = (total.saved_usd ?? 0) + totals.saved_usd;
    }
    return report;
  }

  async requests(query: RequestQuery): Promise<RequestPage> {
    const where = new Where().range(query.from, query.to);
    const add = where.add.bind(where);
    if (query.cursor !== undefined) add('seq < ?', decodeCursor(query.cursor));
    if (query.session !== undefined) add('session_id = ?', query.session);
    if (query.provider !== undefined) add('provider = ?', query.provider);
    if (query.model !== undefined)
      add('(model = ? OR requested_model = ?)', query.model, query.model);
    if (query.status !== undefined) add('status = ?', query.status);
    if (query.q !== undefined && query.q.trim()) {
      if (this.#db.engine === 'sqlite')
        add('seq IN (SELECT rowid FROM history_fts WHERE history_fts MATCH ?)', ftsQuery(query.q));
      else
        add(
          `seq IN (SELECT seq FROM history WHERE search @@ plainto_tsquery('simple', ?))`,
          query.q,
        );
    }
    const rows = await this.#db.query<DbRow>(
      `${SELECT_ROW} ${where.sql()} ORDER BY seq DESC LIMIT ?`,
      [...where.params, query.limit + 1],
    );
    const more = rows.length > query.limit;
    if (more) rows.pop();
    return {
      items: rows.map(toRow),
      next_cursor: more ? encodeCursor(Number(rows.at(-1)!.seq)) : null,
    };
  }

  async request(id: string): Promise<RequestDetail | undefined> {
    const [row] = await this.#db.query<DbRow>(`${SELECT_ROW} WHERE id = ?`, [id]);
    if (!row) return undefined;
    const [history] = await this.#db.query<{ manifest: string }>(
      'SELECT manifest FROM history WHERE seq = ?',
      [row.seq],
    );
    if (!history) return { row: toRow(row), body: null };
    const manifest = JSON.parse(history.manifest) as Manifest;
    const hashes = [manifest.s, manifest.t, ...manifest.m, manifest.r].filter(
      (h): h is string => h !== undefined,
    );
    const stored = new Map<string, string>();
    // In slices: SQLite binds at most 32 766 parameters, PostgreSQL 65 535.
    for (let i = 0; i < hashes.length; i += 500) {
      const slice = hashes.slice(i, i + 500);
      const parts = await this.#db.query<{ hash: string; body: string }>(
        `SELECT hash, body FROM parts WHERE hash IN (${slice.map(() => '?').join(', ')})`,
        slice,
      );
      for (const p of parts) stored.set(p.hash, p.body);
    }
    return { row: toRow(row), body: joinBody(manifest, stored) };
  }

  async session(id: string): Promise<SessionSummary | undefined> {
    const rows = await this.#db.query<DbRow>(`${SELECT_ROW} WHERE session_id = ? ORDER BY seq`, [
      id,
    ]);
    return rows.length ? summarize(id, rows.map(toRow)) : undefined;
  }

  async spent(scope: SpendScope): Promise<number> {
    // Queued rows count too: a budget holds between a request and the flush that writes it.
    let queued = 0;
    for (const { row } of this.queue.unwritten())
      if (inScope(row, scope)) queued += row.cost_usd ?? 0;
    const where = new Where().range(scope.since);
    if (scope.session !== undefined) where.add('session_id = ?', scope.session);
    if (scope.key_id !== undefined) where.add('key_id = ?', scope.key_id);
    const [r] = await this.#db.query<{ spent: unknown }>(
      `SELECT SUM(cost_usd) AS spent FROM requests ${where.sql()}`,
      where.params,
    );
    return Number(r?.spent ?? 0) + queued;
  }

  async health(): Promise<StorageHealth> {
    const { failedFlushes, dropped, lastError } = this.queue.stats;
    const state = {
      queued: this.queue.pending,
      queuedChars: this.#held.chars,
      failedFlushes,
      dropped,
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      // Under /health's own one-second limit, so the answer says why rather than "no answer".
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer in 700 ms')), 700);
      });
      await Promise.race([this.#db.query('SELECT 1'), late]);
    } catch (error) {
      return {
        reachable: false,
        ...state,
        jobs: this.jobs.holder,
        error: (error as Error).message,
      };
    } finally {
      clearTimeout(timer);
    }
    return lastError === undefined
      ? { reachable: true, ...state, jobs: this.jobs.holder }
      : { reachable: false, ...state, jobs: this.jobs.holder, error: lastError };
  }

  /** Deletes bodies past retention; rows (usage) are kept. */
  async prune(): Promise<void> {
    const cutoff = Date.now() - this.#retentionMs;
    await this.#db.transaction(async (tx) => {
      if (tx.engine === 'sqlite')
        await tx.run(
          'DELETE FROM history_fts WHERE rowid IN (SELECT seq FROM history WHERE ts < ?)',
          [cutoff],
        );
      await tx.run('DELETE FROM history WHERE ts < ?', [cutoff]);
      if ((await tx.run('DELETE FROM parts WHERE last_ts < ?', [cutoff])) > 0)
        this.#known = new Map();
    });
  }

  async close(): Promise<void> {
    this.jobs.stop();
    await this.queue.flush();
    await this.#db.close();
  }
}

/** A WHERE clause built condition by condition, with its parameters in order. */
class Where {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  add(clause: string, ...values: unknown[]): this {
    this.clauses.push(clause);
    this.params.push(...values);
    return this;
  }

  /** `ts >= from AND ts < to` for the bounds given. */
  range(from?: Date, to?: Date): this {
    if (from) this.add('ts >= ?', from.getTime());
    if (to) this.add('ts < ?', to.getTime());
    return this;
  }

  sql(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

function groupExpr(engine: Db['engine'], by: UsageGroup): string {
  switch (by) {
    case 'model':
      return "provider || ',' || model";
    case 'provider':
      return 'provider';
    case 'session':
      return 'session_id';
    case 'key':
      return 'key_id';
    case 'day':
      return engine === 'sqlite'
        ? "strftime('%Y-%m-%d', ts / 1000, 'unixepoch')"
        : "to_char(to_timestamp(ts / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')";
  }
}

/** Each word quoted: FTS5 syntax in a user's query (`-`, `:`, `"`) is taken as text, all words required. */
const ftsQuery = (q: string): string =>
  q
    .trim()
    .split(/\s+/)
    .map((word) => `"${word.replace(/"/g, '""')}"`)
    .join(' ');
