import { ProxyError, type Plugin, type ProxyContext } from '../../core/index.ts';
import type { Logger } from 'pino';
import type { BudgetOptions, Storage } from '../../core/storage.ts';
import { keyId, keyIds, sessionOf } from '../usage/row.ts';

/** How much of one budget is left. */
export interface BudgetLeft {
  budget: 'session' | 'day' | 'key';
  limit_usd: number;
  left_usd: number;
  /** ISO time it resets; null for a session budget (a new session starts afresh). */
  resets_at: string | null;
}

/** The budgets in force, for the statusline: the tightest budget applying to a request. */
export interface Budgets {
  left(scope: { session: string | null; key_id: string | null }): Promise<BudgetLeft | null>;
}

declare module '../../core/index.ts' {
  interface ProxyServices {
    budgets: Budgets;
  }
}

/** One budget's spend: read from storage, plus this instance's requests since the read. */
interface Spend {
  usd: number;
  readAt: number;
  reading?: Promise<void>;
}

/** How old a spend read from storage may be: other instances' requests show within it. */
const REFRESH_MS = 1000;

interface Scope {
  budget: BudgetLeft['budget'];
  /** Cache key: the budget, its subject and its period. */
  key: string;
  limit: number;
  session?: string;
  key_id?: string;
  since: Date;
  resets: Date | null;
}

const utcDay = (now: Date): Date =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

/**
 * Refuses requests over the top-level `budgets` (USD, priced like the usage rows) before the
 * upstream call, with a 402 `billing_error` naming the budget and when it resets: Claude Code
 * shows it and does not retry. Spend is read from storage (at most once a second per budget, so
 * that instances sharing a database share the budget) and kept up to date from finished requests
 * between reads; while the database fails, the last known spend stands and requests are served.
 * @example budgets()
 */
export function budgets(): Plugin {
  let options: BudgetOptions = {};
  let keyLimits = new Map<string, number>();
  let active = false;
  let storage: Storage | undefined;
  const spent = new Map<string, Spend>();
  let log: Logger | undefined;

  const scopes = (session: string | null, key: string | null): Scope[] => {
    const now = new Date();
    const day = utcDay(now);
    const tomorrow = new Date(day.getTime() + 86_400_000);
    const list: Scope[] = [];
    if (options.session !== undefined && session)
      list.push({
        budget: 'session',
        key: `s:${session}`,
        limit: options.session,
        session,
        since: new Date(0),
        resets: null,
      });
    if (options.day !== undefined)
      list.push({
        budget: 'day',
        key: `d:${day.toISOString()}`,
        limit: options.day,
        since: day,
        resets: tomorrow,
      });
    const keyLimit = key ? keyLimits.get(key) : undefined;
    if (key && keyLimit !== undefined)
      list.push({
        budget: 'key',
        key: `k:${key}:${day.toISOString()}`,
        limit: keyLimit,
        key_id: key,
        since: day,
        resets: tomorrow,
      });
    return list;
  };

  const spentIn = async (scope: Scope): Promise<number> => {
    let entry = spent.get(scope.key);
    if (!entry) spent.set(scope.key, (entry = { usd: 0, readAt: -Infinity }));
    // Re-read at most once a second: other instances spend from the same budget.
    if (Date.now() - entry.readAt >= REFRESH_MS) await (entry.reading ??= read(entry, scope));
    return entry.usd;
  };

  const read = async (entry: Spend, scope: Scope): Promise<void> => {
    try {
      entry.usd = await storage!.spent({
        session: scope.session,
        key_id: scope.key_id,
        since: scope.since,
      });
    } catch (err) {
      // A failing database never fails a request: the last known spend stands until it answers.
      log?.warn({ err, budget: scope.budget }, 'budgets: spend unreadable; using the last known');
    } finally {
      entry.readAt = Date.now();
      entry.reading = undefined;
    }
  };

  const left = async (session: string | null, key: string | null): Promise<BudgetLeft | null> => {
    let tightest: BudgetLeft | null = null;
    for (const scope of scopes(session, key)) {
      const leftUsd = scope.limit - (await spentIn(scope));
      if (!tightest || leftUsd < tightest.left_usd)
        tightest = {
          budget: scope.budget,
          limit_usd: scope.limit,
          left_usd: leftUsd,
          resets_at: scope.resets?.toISOString() ?? null,
        };
    }
    return tightest;
  };

  const refuseOver = async (session: string | null, key: string | null): Promise<void> => {
    const over = await left(session, key);
    if (!over || over.left_usd > 0) return;
    const when = over.resets_at
      ? `it resets at ${over.resets_at}`
      : 'start a new session to reset it';
    throw new ProxyError(
      'billing_error',
      402,
      `ccproxy ${over.budget} budget of $${over.limit_usd.toFixed(2)} is spent; ${when}`,
    );
  };

  const keyIdOf = keyIds();
  const clientKey = (ctx: ProxyContext) => keyIdOf(ctx.client);

  return {
    name: 'budgets',
    setup(app) {
      options = app.config.budgets ?? {};
      log = app.log;
      storage = app.service('storage');
      if (!storage) throw new Error('needs the storage plugin before it: storage(), or cockpit()');
      // A key given as itself is kept only as its key id.
      keyLimits = new Map(
        Object.entries(options.keys ?? {}).map(([k, usd]) => [
          /^k_[0-9a-f]{12}$/.test(k) ? k : keyId(k),
          usd,
        ]),
      );
      active = options.session !== undefined || options.day !== undefined || keyLimits.size > 0;
      app.provide('budgets', { left: (scope) => left(scope.session, scope.key_id) });
    },
    onRequest(ctx) {
      // No budget configured: the hook stays synchronous and costs nothing.
      if (!active || ctx.endpoint !== 'messages') return;
      return refuseOver(sessionOf(ctx), clientKey(ctx));
    },
    onFinish(ctx) {
      const cost = ctx.state.usage?.cost_usd;
      if (!cost) return;
      for (const scope of scopes(ctx.state.usage!.session_id, ctx.state.usage!.key_id)) {
        const entry = spent.get(scope.key);
        // Not read yet: the storage total will include this request once written.
        if (entry) entry.usd += cost;
      }
    },
  };
}
