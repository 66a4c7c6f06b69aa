/**
 * The storage contract (DESIGN §8.2): what the cockpit plugins write and the admin API reads.
 * Types only: the SQLite, PostgreSQL and in-memory implementations live in `plugins/storage/`,
 * and reach other plugins as the service `'storage'` (`app.service('storage')`).
 */

/** One upstream attempt of a request: the router's fallback hops, in order. */
export interface AttemptRow {
  /** `provider,model`. */
  target: string;
  /** Why this attempt failed; absent for the one that answered. */
  error?: string;
}

/** The row kept for every client request (`POST /v1/messages`). Field names are the API's. */
export interface RequestRow {
  /** The `request-id` the client got. */
  id: string;
  /** When the request arrived, ISO 8601. */
  time: string;
  /** `x-claude-code-session-id`, else the session part of `metadata.user_id`. */
  session_id: string | null;
  /** `x-claude-code-agent-id` (a subagent of the session). */
  agent_id: string | null;
  /** A short digest naming the client key presented (never the key itself). */
  key_id: string | null;
  /** The model the client asked for. */
  requested_model: string;
  /** Why the target was chosen (`tier:big`, `explicit`, a rule name). */
  route: string;
  /** Provider and upstream model that answered (the last attempt when none did). */
  provider: string;
  model: string;
  /** Fallback hops; empty when the router was not involved. */
  attempts: AttemptRow[];
  /** The HTTP status sent (200 for a stream that later failed: see `error_type`). */
  status: number;
  error_type: string | null;
  stream: boolean;
  duration_ms: number;
  /** Time to the first event sent, in ms; null when none was sent. */
  ttft_ms: number | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  /** USD at the provider's price; null when the model has no price (unpriced, never 0). */
  cost_usd: number | null;
  /** What the same tokens cost at the Anthropic list price of `requested_model`, minus `cost_usd`. */
  saved_usd: number | null;
  /** Where the price came from: `config` or the pricing package and version; null when unpriced. */
  price_source: string | null;
  /** The ccproxy instance that served it (`CCPROXY_INSTANCE_ID`, else `host-pid`). */
  instance: string | null;
}

/** A request's conversation as stored: secrets already redacted. */
export interface HistoryBody {
  system?: unknown;
  tools?: unknown;
  messages: unknown[];
  /** The answer: the accumulated assistant message, or null when none came. */
  response: unknown;
  /**
   * The request's other fields as the client sent them (`max_tokens`, `temperature`, `thinking`,
   * `tool_choice`…; not `model`, `stream` nor `metadata`), for a "copy as curl" that repeats it.
   */
  params?: Record<string, unknown>;
  /**
   * The request body's text as received, when `system`, `tools` and `messages` are the received
   * ones: storage finds parts it holds by hashing their text instead of serialising them again.
   */
  raw?: string;
}

/** What `record` queues: the row, and the body unless `history.bodies` is not `full`. */
export interface RequestEntry {
  row: RequestRow;
  body?: HistoryBody;
}

/** Token and money totals of a group of requests. */
export interface UsageTotals {
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  /** Sum over priced requests; null when none was priced. */
  cost_usd: number | null;
  saved_usd: number | null;
  /** Requests whose model has no price (not in `cost_usd`). */
  unpriced_requests: number;
}

export type UsageGroup = 'model' | 'provider' | 'session' | 'key' | 'day';

export interface UsageQuery {
  by: UsageGroup;
  from?: Date;
  to?: Date;
}

export interface UsageReport {
  rows: Array<UsageTotals & { key: string | null }>;
  total: UsageTotals;
}

export interface RequestQuery {
  /** Full-text search over prompt and answer text. */
  q?: string;
  session?: string;
  provider?: string;
  /** Matches the upstream model or the requested one. */
  model?: string;
  status?: number;
  from?: Date;
  to?: Date;
  limit: number;
  /** `next_cursor` of the previous page. */
  cursor?: string;
}

export interface RequestPage {
  /** Newest first. */
  items: RequestRow[];
  /** Pass as `cursor` for the next page; null on the last one. Rows written meanwhile do not shift pages. */
  next_cursor: string | null;
}

export interface RequestDetail {
  row: RequestRow;
  /** Null when no body was kept (`history.bodies` not `full`, or past retention). */
  body: HistoryBody | null;
}

export interface SessionSummary {
  id: string;
  totals: UsageTotals;
  /** Requested model → provider and upstream model, with how many requests took that path. */
  models: Array<{ requested_model: string; provider: string; model: string; requests: number }>;
  first: string;
  last: string;
  /** Newest first, at most 500. */
  requests: RequestRow[];
}

/** Whose spending a budget counts. */
export interface SpendScope {
  session?: string;
  key_id?: string;
  since: Date;
}

/**
 * The JSON key-value table for live state (switches, runtime providers): small values, read
 * and written rarely. Values round-trip through JSON.
 */
export interface SettingsStore {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every entry whose key starts with `prefix`, sorted by key. */
  list<T>(prefix: string): Promise<Array<[string, T]>>;
}

/** The write path's state, for `/health`. */
export interface StorageHealth {
  /** False when the database does not answer (or the last write failed). */
  reachable: boolean;
  /** Rows waiting to be written. */
  queued: number;
  /**
   * Characters of conversation the queue holds for them: only the parts not yet stored (a
   * resent message is held by its hash), each once.
   */
  queuedChars: number;
  /** Writes that failed since start (each retried). */
  failedFlushes: number;
  /** Rows given up because the queue was full while the database failed. */
  dropped: number;
  /** Whether this instance runs the periodic jobs (retention): one instance at a time. */
  jobs: boolean;
  /** Why the database is unreachable. */
  error?: string;
}

/** Usage, history and live state; provided as the service `'storage'`. */
export interface Storage {
  /** `memory`, `sqlite` or `postgres`. */
  readonly engine: string;
  readonly settings: SettingsStore;
  /** Queues a finished request; written with the next batch, off the response path. Never throws. */
  record(entry: RequestEntry): void;
  /** Writes what is queued now; a failed write stays queued for the next try. */
  flush(): Promise<void>;
  usage(query: UsageQuery): Promise<UsageReport>;
  requests(query: RequestQuery): Promise<RequestPage>;
  request(id: string): Promise<RequestDetail | undefined>;
  session(id: string): Promise<SessionSummary | undefined>;
  /** USD spent (priced requests) in a scope since a time, for budgets. */
  spent(scope: SpendScope): Promise<number>;
  /** Whether the database answers, and what is queued. */
  health(): Promise<StorageHealth>;
  /** Flushes, then releases the database. */
  close(): Promise<void>;
}

export type { BudgetOptions, HistoryOptions, Price, StorageSetting } from './config/cockpit.ts';

declare module './plugin.ts' {
  interface ProxyServices {
    storage: Storage;
  }
}
