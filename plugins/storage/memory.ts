import type {
  HistoryBody,
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
  UsageQuery,
  UsageReport,
  UsageTotals,
} from '../../core/storage.ts';
import { addRow, decodeCursor, emptyTotals, encodeCursor, groupKey, inScope } from './totals.ts';

interface Stored {
  seq: number;
  row: RequestRow;
  body: HistoryBody | undefined;
  /** The body's size in characters, counted against the body budget. */
  size: number;
  /** Lower-cased prompt and answer text, for `q`: made by the first search that reads it. */
  text?: string;
}

/** Settings in a Map, values copied through JSON as a database would. */
export class MemorySettings implements SettingsStore {
  readonly #values = new Map<string, string>();

  get<T>(key: string): Promise<T | undefined> {
    const value = this.#values.get(key);
    return Promise.resolve(value === undefined ? undefined : (JSON.parse(value) as T));
  }
  set(key: string, value: unknown): Promise<void> {
    this.#values.set(key, JSON.stringify(value));
    return Promise.resolve();
  }
  delete(key: string): Promise<void> {
    this.#values.delete(key);
    return Promise.resolve();
  }
  list<T>(prefix: string): Promise<Array<[string, T]>> {
    const entries = [...this.#values]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, value]): [string, T] => [key, JSON.parse(value) as T]);
    return Promise.resolve(entries);
  }
}

/**
 * Storage without a database (`storage: false`): live state and the latest `limit` requests in
 * memory, so live control, budgets and the statusline work; nothing survives a restart.
 */
export class MemoryStorage implements Storage {
  readonly engine = 'memory';
  readonly settings = new MemorySettings();
  readonly #rows: Stored[] = [];
  readonly #limit: number;
  readonly #bodyBudget: number;
  /** Characters of the bodies kept; the oldest bodies go first past the budget, their rows stay. */
  #bodyChars = 0;
  /** Rows before this index have had their bodies dropped (or never had one). */
  #firstBody = 0;
  #seq = 0;

  constructor(options: { limit?: number; bodyChars?: number } = {}) {
    this.#limit = options.limit ?? 10_000;
    this.#bodyBudget = options.bodyChars ?? 32 * 1024 * 1024;
  }

  record(entry: RequestEntry): void {
    // The received text only serves hashing in the SQL stores, and sizes the body here.
    const { raw, ...body } = entry.body ?? { messages: [], response: null };
    const size = entry.body ? (raw?.length ?? JSON.stringify(body).length) : 0;
    this.#rows.push({ seq: ++this.#seq, row: entry.row, body: entry.body && body, size });
    this.#bodyChars += size;
    if (this.#rows.length > this.#limit) {
      const dropped = this.#rows.splice(0, this.#rows.length - this.#limit);
      for (const old of dropped) this.#bodyChars -= old.size;
      this.#firstBody = Math.max(0, this.#firstBody - dropped.length);
    }
    // Claude Code resends the whole conversation: 10,000 bodies held 1.3 GB in the benchmark.
    while (this.#bodyChars > this.#bodyBudget && this.#firstBody < this.#rows.length - 1) {
      const old = this.#rows[this.#firstBody++]!;
      this.#bodyChars -= old.size;
      old.body = undefined;
      old.size = 0;
      old.text = undefined;
    }
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  usage(query: UsageQuery): Promise<UsageReport> {
    const groups = new Map<string | null, UsageTotals>();
    const total = emptyTotals();
    for (const { row } of this.#inRange(query.from, query.to)) {
      const key = groupKey(row, query.by);
      let totals = groups.get(key);
      if (!totals) groups.set(key, (totals = emptyTotals()));
      addRow(totals, row);
      addRow(total, row);
    }
    const rows = [...groups].map(([key, totals]) => ({ key, ...totals }));
    return Promise.resolve({ rows, total });
  }

  requests(query: RequestQuery): Promise<RequestPage> {
    const before = query.cursor === undefined ? Infinity : decodeCursor(query.cursor)!;
    // Every word required, as the databases' full-text search does.
    const words = query.q?.toLowerCase().split(/\s+/).filter(Boolean) ?? [];
    const items: Stored[] = [];
    for (let i = this.#rows.length - 1; i >= 0 && items.length <= query.limit; i--) {
      const stored = this.#rows[i]!;
      const row = stored.row;
      if (stored.seq >= before) continue;
      if (query.session !== undefined && row.session_id !== query.session) continue;
      if (query.provider !== undefined && row.provider !== query.provider) continue;
      if (
        query.model !== undefined &&
        row.model !== query.model &&
        row.requested_model !== query.model
      )
        continue;
      if (query.status !== undefined && row.status !== query.status) continue;
      if (query.from && row.time < query.from.toISOString()) continue;
      if (query.to && row.time >= query.to.toISOString()) continue;
      if (words.length && !words.every((word) => searchText(stored).includes(word))) continue;
      items.push(stored);
    }
    const more = items.length > query.limit;
    if (more) items.pop();
    return Promise.resolve({
      items: items.map((s) => s.row),
      next_cursor: more ? encodeCursor(items.at(-1)!.seq) : null,
    });
  }

  request(id: string): Promise<RequestDetail | undefined> {
    const stored = this.#rows.find((s) => s.row.id === id);
    return Promise.resolve(stored && { row: stored.row, body: stored.body ?? null });
  }

  session(id: string): Promise<SessionSummary | undefined> {
    const rows = this.#rows.filter((s) => s.row.session_id === id).map((s) => s.row);
    return Promise.resolve(rows.length ? summarize(id, rows) : undefined);
  }

  spent(scope: SpendScope): Promise<number> {
    let sum = 0;
    for (const { row } of this.#inRange(scope.since))
      if (inScope(row, scope)) sum += row.cost_usd ?? 0;
    return Promise.resolve(sum);
  }

  health(): Promise<StorageHealth> {
    return Promise.resolve({
      reachable: true,
      queued: 0,
      queuedChars: 0,
      failedFlushes: 0,
      dropped: 0,
      jobs: true,
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  *#inRange(from?: Date, to?: Date): Iterable<Stored> {
    const low = from?.toISOString();
    const high = to?.toISOString();
    for (const stored of this.#rows) {
      if (low !== undefined && stored.row.time < low) continue;
      if (high !== undefined && stored.row.time >= high) continue;
      yield stored;
    }
  }
}

/** A session's summary from its rows, oldest first. */
export function summarize(id: string, rows: readonly RequestRow[]): SessionSummary {
  const totals = emptyTotals();
  const models = new Map<string, SessionSummary['models'][number]>();
  for (const row of rows) {
    addRow(totals, row);
    const key = `${row.requested_model}\n${row.provider}\n${row.model}`;
    const path = models.get(key);
    if (path) path.requests++;
    else
      models.set(key, {
        requested_model: row.requested_model,
        provider: row.provider,
        model: row.model,
        requests: 1,
      });
  }
  return {
    id,
    totals,
    models: [...models.values()],
    first: rows[0]!.time,
    last: rows.at(-1)!.time,
    requests: rows.slice(-500).reverse(),
  };
}

/** A request's lower-cased prompt and answer, made once, when a search first reads it. */
function searchText(stored: Stored): string {
  const body = stored.body;
  return (stored.text ??= body ? JSON.stringify([body.messages, body.response]).toLowerCase() : '');
}
