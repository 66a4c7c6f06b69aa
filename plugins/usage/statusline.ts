import type { ProxyApp } from '../../core/index.ts';
import type { RequestRow, Storage } from '../../core/storage.ts';
import type { BudgetLeft } from '../budgets/index.ts';

/** What `ccproxy statusline` prints, as data (`GET /api/statusline?session=`). */
export interface Statusline {
  session: string | null;
  /** The model Claude Code asked for, and where the last request went. */
  requested_model: string | null;
  routed: string | null;
  /** The session's cost at the real price and its savings against Anthropic's list price. */
  cost_usd: number | null;
  saved_usd: number | null;
  requests: number;
  budget: BudgetLeft | null;
  /** The last request fell back to another target, or failed. */
  fallback: boolean;
  error_type: string | null;
  /** One line, e.g. `opus-4 → openai,gpt-5 · $0.04 (saved $0.13) · $4.96 left`. */
  text: string;
}

const usd = (value: number): string => `$${value < 10 ? value.toFixed(2) : value.toFixed(0)}`;

/** The statusline of a session (or of the latest request when none is named). */
export async function statusline(
  app: ProxyApp,
  storage: Storage,
  sessionId: string | undefined,
): Promise<Statusline> {
  const session = sessionId === undefined ? undefined : await storage.session(sessionId);
  const last: RequestRow | undefined =
    session?.requests[0] ??
    (sessionId === undefined ? (await storage.requests({ limit: 1 })).items[0] : undefined);
  const budget =
    (await app
      .service('budgets')
      ?.left({ session: sessionId ?? null, key_id: last?.key_id ?? null })) ?? null;
  const cost = session ? session.totals.cost_usd : (last?.cost_usd ?? null);
  const saved = session ? session.totals.saved_usd : (last?.saved_usd ?? null);
  const fallback = (last?.attempts.length ?? 0) > 1;
  const parts: string[] = [];
  if (last)
    parts.push(`${last.requested_model} → ${last.provider},${last.model}${fallback ? ' ↪' : ''}`);
  if (cost !== null)
    parts.push(`${usd(cost)}${saved !== null && saved > 0 ? ` (saved ${usd(saved)})` : ''}`);
  else if (last) parts.push('unpriced');
  if (budget) parts.push(`${usd(Math.max(0, budget.left_usd))} left`);
  if (last?.error_type) parts.push(`⚠ ${last.error_type}`);
  return {
    session: sessionId ?? null,
    requested_model: last?.requested_model ?? null,
    routed: last ? `${last.provider},${last.model}` : null,
    cost_usd: cost,
    saved_usd: saved,
    requests: session?.totals.requests ?? (last ? 1 : 0),
    budget,
    fallback,
    error_type: last?.error_type ?? null,
    text: parts.join(' · ') || 'ccproxy: no requests yet',
  };
}
