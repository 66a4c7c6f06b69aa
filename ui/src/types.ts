/** The admin API's answers (DESIGN §8.4), as the UI reads them. */

/** Token and cost totals of one group of requests. */
export interface UsageFigures {
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  /** Null when no request of the group had a price. */
  cost_usd: number | null;
  saved_usd: number | null;
  /** Requests whose model has no price (not in `cost_usd`). */
  unpriced_requests?: number;
}

export interface UsageRow extends UsageFigures {
  /** The model, provider, session, key id or day the row sums (null: none recorded). */
  key: string | null;
}

/** `GET /api/usage` */
export interface UsageAnswer {
  rows: UsageRow[];
  total: UsageFigures;
}

/** One upstream attempt: the router's fallback hops, in order. */
export interface Attempt {
  /** `provider,model`. */
  target: string;
  /** Why this attempt failed; absent for the one that answered. */
  error?: string;
}

/** A request row (DESIGN §8.2). */
export interface RequestRow {
  id: string;
  /** ISO 8601. */
  time: string;
  session_id: string | null;
  agent_id?: string | null;
  key_id: string | null;
  requested_model: string;
  route: string;
  provider: string;
  model: string;
  attempts: Attempt[];
  status: number;
  error_type: string | null;
  stream: boolean;
  duration_ms: number;
  ttft_ms: number | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  cost_usd: number | null;
  saved_usd: number | null;
  price_source: string | null;
}

/** `GET /api/requests` */
export interface RequestsAnswer {
  items: RequestRow[];
  next_cursor: string | null;
}

/** A request's conversation as stored: secrets already redacted. */
export interface HistoryBody {
  system?: unknown;
  tools?: unknown;
  messages: unknown[];
  /** The answer: the accumulated assistant message, or null when none came. */
  response: unknown;
}

/** `GET /api/requests/{id}`: the row and its redacted bodies (null when none was kept). */
export interface RequestDetail {
  row: RequestRow;
  body: HistoryBody | null;
}

/** `GET /api/sessions/{id}` */
export interface SessionAnswer {
  id: string;
  totals: UsageFigures;
  models: Array<{ requested_model: string; provider: string; model: string; requests: number }>;
  first: string;
  last: string;
  /** Newest first. */
  requests: RequestRow[];
}

/** The three tiers, each a `provider,model` target. */
export type Tier = 'big' | 'middle' | 'small';
export const TIERS: readonly Tier[] = ['big', 'middle', 'small'];
export type TierTargets = Partial<Record<Tier, string | null>>;

/** `GET /api/switch` */
export interface SwitchAnswer extends TierTargets {
  sessions: Record<string, TierTargets>;
}

/** `GET /api/providers` (one item). */
export interface ProviderInfo {
  name: string;
  kind: string;
  base_url?: string | null;
  /** Masked: `sk-…abcd`; never the key. */
  api_key?: string | null;
  models?: string[];
  source: 'config' | 'runtime';
  breaker?: { state: 'closed' | 'half-open' | 'open'; until?: string | null } | string | null;
  headers?: Record<string, string>;
  overrides?: { headers?: Record<string, string>; body?: Record<string, unknown> } | null;
}

/** `POST /api/providers/{name}/test` */
export interface ProviderTest {
  ok: boolean;
  latency_ms: number | null;
  error: string | null;
}

/** `GET /api/config` */
export interface ConfigAnswer {
  config: unknown;
  file?: string | null;
  last_reload?: { ok: boolean; time: string; error?: string | null } | null;
}
