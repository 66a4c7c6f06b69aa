import { hash } from 'node:crypto';
import type { ClientInfo, Outcome, ProxyContext } from '../../core/index.ts';
import type { RequestRow } from '../../core/storage.ts';
import type { Pricer } from './pricing.ts';

/** Names a client key in rows and budgets without keeping it: `k_` and 12 hex of its SHA-256. */
export const keyId = (key: string): string => `k_${hash('sha256', key, 'hex').slice(0, 12)}`;

/** Key ids remembered at most: more configured keys than this are hashed again after a clear. */
const MAX_KEY_IDS = 256;

/**
 * The `keyId` of a client's key, or null without one. Keys `auth()` verified (the config's own)
 * are hashed once and remembered by the returned function, which a plugin creates per instance,
 * so a reload drops them with the config; any other key (a client's own, passed upstream) is
 * hashed every time and never kept.
 */
export function keyIds(): (client: ClientInfo) => string | null {
  const known = new Map<string, string>();
  return ({ key, access }) => {
    if (!key) return null;
    if (access !== 'key') return keyId(key);
    let id = known.get(key);
    if (id === undefined) {
      if (known.size >= MAX_KEY_IDS) known.clear();
      known.set(key, (id = keyId(key)));
    }
    return id;
  };
}

const header = (ctx: ProxyContext, name: string): string | null => {
  const value = ctx.client.headers[name];
  return (Array.isArray(value) ? value[0] : value) || null;
};

/**
 * The Claude Code session: `x-claude-code-session-id`, else the session in `metadata.user_id`
 * (`user_…_account_…_session_<uuid>`, or the JSON form with `session_id`).
 */
export function sessionOf(ctx: ProxyContext): string | null {
  const fromHeader = header(ctx, 'x-claude-code-session-id');
  if (fromHeader) return fromHeader;
  const userId = (ctx.request.metadata as { user_id?: unknown } | undefined)?.user_id;
  if (typeof userId !== 'string') return null;
  const match = /session_([0-9a-f-]{8,})/i.exec(userId);
  if (match) return match[1]!;
  if (userId.startsWith('{')) {
    try {
      const parsed = JSON.parse(userId) as { session_id?: unknown };
      if (typeof parsed.session_id === 'string') return parsed.session_id;
    } catch {
      // Not JSON after all: no session.
    }
  }
  return null;
}

const round = (usd: number): number => Math.round(usd * 1e9) / 1e9;

/** What `buildRow` needs besides the request: the plugin's pricer, key ids and instance. */
export interface RowContext {
  pricer: Pricer;
  keyIdOf: (client: ClientInfo) => string | null;
  instance: string;
}

/** The request row of a finished request (DESIGN §8.2), written by `instance`. */
export function buildRow(
  ctx: ProxyContext,
  outcome: Outcome,
  { pricer, keyIdOf, instance }: RowContext,
): RequestRow {
  const usage = outcome.usage;
  const { provider, model } = ctx.target;
  const cost = pricer.cost(provider, model, usage);
  const list = cost.usd === null ? null : pricer.anthropicCost(ctx.requestedModel, usage);
  const start = performance.timeOrigin + ctx.timings.start;
  return {
    id: ctx.id,
    time: new Date(start).toISOString(),
    session_id: sessionOf(ctx),
    agent_id: header(ctx, 'x-claude-code-agent-id'),
    key_id: keyIdOf(ctx.client),
    requested_model: ctx.requestedModel,
    route: ctx.route,
    provider,
    model,
    attempts: ctx.state.router?.attempts ?? [],
    status: outcome.status,
    error_type: outcome.error?.type ?? null,
    stream: ctx.stream,
    duration_ms: outcome.durationMs,
    ttft_ms: ctx.timings.firstEvent
      ? Math.round((ctx.timings.firstEvent - ctx.timings.start) * 10) / 10
      : null,
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
    cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0,
    cost_usd: cost.usd === null ? null : round(cost.usd),
    saved_usd: list === null || cost.usd === null ? null : round(list - cost.usd),
    price_source: cost.source,
    instance,
  };
}
