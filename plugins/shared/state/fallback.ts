import type { Logger } from 'pino';
import { memoryState, type SharedState } from './index.ts';

/** A shared store that falls back to this instance's memory while the shared one fails. */
export interface FallbackState extends SharedState {
  /** True while the shared store fails and local state is in use. */
  readonly local: boolean;
}

/**
 * Wraps the Redis store: while Redis fails, every update and read goes to a local in-memory store
 * (breakers and rate limits then count per instance, not unlimited), said once in the log; the
 * first command Redis answers again switches back.
 */
export function withLocalFallback(shared: SharedState, log: Logger, who: string): FallbackState {
  const local = memoryState();
  let down = false;
  const run = async <R>(work: (store: SharedState) => Promise<R>): Promise<R> => {
    try {
      const result = await work(shared);
      if (down) log.info(`${who}: Redis answers again; state is shared again`);
      down = false;
      return result;
    } catch (err) {
      if (!down)
        log.warn({ err }, `${who}: Redis unreachable; counting on this instance until it answers`);
      down = true;
      return work(local);
    }
  };
  return {
    kind: shared.kind,
    get local() {
      return down;
    },
    update: (key, ttlMs, step) => run((store) => store.update(key, ttlMs, step)),
    get: (key) => run((store) => store.get(key)),
    close: () => shared.close(),
  };
}
