import { createHash } from 'node:crypto';
import type { MessagesRequest } from '../../core/index.ts';
import type { SharedState } from '../shared/state/index.ts';
import type { Plan } from './parse.ts';
import { systemTexts } from './template.ts';

/** A plan worth reusing: one the answer was made from. */
export type CachedPlan = Exclude<Plan, { kind: 'other' }>;

/**
 * Where plans are kept between requests: process memory, or Redis when several instances serve
 * one team (the shared state of `plugins/shared/state`).
 */
export interface PlanCache {
  get(key: string): Promise<CachedPlan | undefined>;
  /** Keeps `plan` for `ttlMs`. */
  set(key: string, plan: CachedPlan, ttlMs: number): Promise<void>;
}

/** A bounded in-memory cache: the oldest entry goes when full; expired entries are dropped on read. */
export class MemoryPlanCache implements PlanCache {
  private readonly entries = new Map<string, { plan: CachedPlan; expires: number }>();
  private readonly maxEntries: number;

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  get(key: string): Promise<CachedPlan | undefined> {
    const entry = this.entries.get(key);
    if (entry && entry.expires <= Date.now()) this.entries.delete(key);
    return Promise.resolve(entry && entry.expires > Date.now() ? entry.plan : undefined);
  }

  set(key: string, plan: CachedPlan, ttlMs: number): Promise<void> {
    this.entries.delete(key);
    // A Map iterates in insertion order: the first key is the oldest.
    if (this.entries.size >= this.maxEntries)
      this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { plan, expires: Date.now() + ttlMs });
    return Promise.resolve();
  }
}

/** Plans in a shared store (Redis): every instance using it finds the others' plans. */
export function sharedPlanCache(state: SharedState): PlanCache {
  return {
    get: (key) => state.get<CachedPlan>(key),
    set: (key, plan, ttlMs) => state.update(key, ttlMs, () => [plan, undefined] as const),
  };
}

/**
 * The cache key: the planner (`provider,model`) and a hash of the request as the planner sees it. Volatile
 * parts are left out (Claude Code's attribution block changes on every request, `cache_control`
 * markers move), so a resent request finds its plan.
 */
export function planKey(plannerModel: string, template: string, request: MessagesRequest): string {
  const normalised = JSON.stringify(
    {
      template,
      system: systemTexts(request.system),
      messages: request.messages,
      tools: (request.tools ?? []).map((t) => [t.name, t.type, t.description, t.input_schema]),
    },
    (key, value: unknown) => (key === 'cache_control' ? undefined : value),
  );
  return `boost:${plannerModel}:${createHash('sha256').update(normalised).digest('base64url')}`;
}
