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

/** A request's prompt as stored: secrets already redacted. */
export interface StoredPrompt {
  system?: unknown;
  tools?: unknown;
  messages: unknown[];
  /** The request's other fields (`max_tokens`, `temperature`…); absent in rows stored before them. */
  params?: Record<string, unknown>;
}

/**
 * `GET /api/requests/{id}`: the row, its prompt and its answer (the accumulated assistant
 * message), redacted; `request` is null when no body was kept.
 */
export interface RequestDetail extends RequestRow {
  request: StoredPrompt | null;
  response: unknown;
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

/** `GET /api/switch`: the live targets (null: none), the config's, and per-session switches. */
export interface SwitchAnswer extends TierTargets {
  configured: TierTargets;
  sessions: Record<string, TierTargets>;
}

/** One provider of `GET /api/providers` (`{ providers: [...] }`); the key is never whole. */
export interface ProviderInfo {
  name: string;
  source: 'config' | 'runtime';
  /** The wire format of a runtime provider; null for the config file's. */
  kind: string | null;
  baseUrl: string | null;
  /** Masked: `sk-…abcd`; null when none is set or known. */
  apiKey: string | null;
  models: readonly string[];
  /** A runtime provider's headers, credential values masked; null for the config file's. */
  headers: Record<string, string> | null;
  /** A runtime provider's body override; null when none or from the config file. */
  body: Record<string, unknown> | null;
  /** The router's breaker: `closed`, `half-open`, `open`, or `off`. */
  breaker: string;
}

/** `POST /api/providers/{name}/test` */
export interface ProviderTest {
  ok: boolean;
  /** The model the one-token call went to. */
  model: string;
  latency_ms: number | null;
  error: string | null;
}

/** How the last config reload went. */
export interface ReloadResult {
  ok: boolean;
  at: string;
  ms: number;
  source: string;
  error?: string;
  needsRestart?: string[];
}

/** `GET /api/config`: the config in force, secrets masked, and the last reload. */
export interface ConfigAnswer {
  file: string | null;
  reload: { enabled: boolean; last: ReloadResult | null };
  [key: string]: unknown;
}
