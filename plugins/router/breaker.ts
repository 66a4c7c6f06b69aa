import type { SharedState } from '../shared/state/index.ts';
import type { BreakerOptions } from './schema.ts';

export type BreakerMode = 'closed' | 'open' | 'half-open';

/** One provider's breaker as stored (shared between instances when Redis is configured). */
export interface BreakerState {
  mode: BreakerMode;
  /** Consecutive failures while closed. */
  failures: number;
  /** When it opened, or when half-open last admitted a probe. */
  since: number;
  /** Probes admitted and successes seen in the current half-open period. */
  admitted: number;
  successes: number;
  window: { start: number; total: number; failed: number };
  lastError: { message: string; at: number } | null;
}

/** Whether a request may go to a provider, and if not, for how long it will be refused. */
export type Admission = { allowed: true } | { allowed: false; retryAfterMs: number };

type Settings = Required<BreakerOptions>;

const fresh = (now: number): BreakerState => ({
  mode: 'closed',
  failures: 0,
  since: now,
  admitted: 0,
  successes: 0,
  window: { start: now, total: 0, failed: 0 },
  lastError: null,
});

/** The options with their defaults filled in. */
export function breakerSettings(options: BreakerOptions = {}): Settings {
  return {
    failures: options.failures ?? 5,
    errorRate: options.errorRate ?? 0.5,
    windowMs: options.windowMs ?? 60_000,
    minRequests: options.minRequests ?? 20,
    openMs: options.openMs ?? 30_000,
    probes: options.probes ?? 3,
  };
}

// The transitions are pure functions of (settings, state, now); the shared store makes each atomic.

/** Before a call: closed admits; open refuses until `openMs` passed, then turns half-open. */
export function admit(
  s: Settings,
  state: BreakerState | undefined,
  now: number,
): [BreakerState, Admission] {
  const b = state ?? fresh(now);
  if (b.mode === 'closed') return [b, { allowed: true }];
  if (b.mode === 'open') {
    const wait = b.since + s.openMs - now;
    if (wait > 0) return [b, { allowed: false, retryAfterMs: wait }];
    return [{ ...b, mode: 'half-open', since: now, admitted: 1, successes: 0 }, { allowed: true }];
  }
  // Half-open: a probe whose answer never came (the client left) must not wedge it; after
  // another `openMs` the slots are handed out again.
  const stale = now - b.since >= s.openMs;
  if (b.admitted < s.probes || stale) {
    return [
      { ...b, admitted: stale ? 1 : b.admitted + 1, since: stale ? now : b.since },
      { allowed: true },
    ];
  }
  return [b, { allowed: false, retryAfterMs: b.since + s.openMs - now }];
}

/** After a call: `error` is the failure's message, or null for a success. */
export function record(
  s: Settings,
  state: BreakerState | undefined,
  now: number,
  error: string | null,
): [BreakerState, BreakerMode] {
  const b = state ?? fresh(now);
  const lastError = error === null ? b.lastError : { message: error, at: now };
  if (b.mode === 'half-open') {
    if (error !== null) return opened(b, now, lastError);
    if (b.successes + 1 >= s.probes) return closed(now, lastError);
    return [{ ...b, successes: b.successes + 1 }, 'half-open'];
  }
  if (b.mode === 'open') return [{ ...b, lastError }, 'open']; // a late answer from before it opened
  const window =
    now - b.window.start >= s.windowMs ? { start: now, total: 0, failed: 0 } : { ...b.window };
  window.total++;
  if (error === null) return [{ ...b, failures: 0, window, lastError }, 'closed'];
  window.failed++;
  const failures = b.failures + 1;
  const rateTripped = window.total >= s.minRequests && window.failed / window.total >= s.errorRate;
  if (failures >= s.failures || rateTripped) return opened(b, now, lastError);
  return [{ ...b, failures, window, lastError }, 'closed'];
}

function opened(
  b: BreakerState,
  now: number,
  lastError: BreakerState['lastError'],
): [BreakerState, BreakerMode] {
  return [{ ...fresh(now), mode: 'open', window: b.window, lastError }, 'open'];
}

function closed(now: number, lastError: BreakerState['lastError']): [BreakerState, BreakerMode] {
  return [{ ...fresh(now), lastError }, 'closed'];
}

/** Kept a day after the last write: long enough for `/health` to show the last error. */
const TTL_MS = 86_400_000;

/** Told when a provider's breaker changes mode (the `breaker` event of `/api/events`). */
export type BreakerChange = (provider: string, from: BreakerMode, to: BreakerMode) => void;

/** The breakers of every provider, over a shared store. */
export class Breakers {
  private readonly settings: Settings;
  private readonly store: SharedState;
  private readonly onChange: BreakerChange;

  constructor(
    options: BreakerOptions | undefined,
    store: SharedState,
    onChange: BreakerChange = () => {},
  ) {
    this.settings = breakerSettings(options);
    this.store = store;
    this.onChange = onChange;
  }

  get openMs(): number {
    return this.settings.openMs;
  }

  admit(provider: string): Promise<Admission> {
    return this.step(provider, (state) => admit(this.settings, state, Date.now()));
  }

  record(provider: string, error: string | null): Promise<BreakerMode> {
    return this.step(provider, (state) => record(this.settings, state, Date.now(), error));
  }

  /** Applies a transition atomically, telling `onChange` when it moved the breaker. */
  private async step<R>(
    provider: string,
    transition: (state: BreakerState | undefined) => [BreakerState, R],
  ): Promise<R> {
    const [result, from, to] = await this.store.update(
      key(provider),
      TTL_MS,
      (state: BreakerState | undefined) => {
        const [next, result] = transition(state);
        return [next, [result, state?.mode ?? 'closed', next.mode] as const];
      },
    );
    if (from !== to) this.onChange(provider, from, to);
    return result;
  }

  /** The stored state, or a closed breaker for a provider never called. */
  async state(provider: string): Promise<BreakerState> {
    return (await this.store.get<BreakerState>(key(provider))) ?? fresh(Date.now());
  }
}

const key = (provider: string) => `breaker:${provider}`;
