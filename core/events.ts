/**
 * What happened in the proxy, for live views (the UI's tail, `ccproxy logs -f`): one bus per
 * running server, kept across config reloads, so a subscriber sees every runtime's events.
 * @module
 */

/** One event on the bus. `type` says what happened; `data` is its JSON-safe payload. */
export interface ProxyEvent {
  /** `request` (a finished request row), `switch`, `reload`, `breaker`, `providers`, … */
  type: string;
  /** ISO time of publication. */
  at: string;
  data: unknown;
}

export type EventListener = (event: ProxyEvent) => void;

/**
 * A synchronous publish/subscribe bus. Publishing never throws and never waits: a listener that
 * fails is dropped from this delivery (logged by the caller's `onError`), the others still run.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();
  private readonly onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void = () => {}) {
    this.onError = onError;
  }

  /** Delivers `{ type, data }` to every listener; costs one Set check with none. */
  publish(type: string, data: unknown): void {
    if (this.listeners.size === 0) return;
    const event: ProxyEvent = { type, at: new Date().toISOString(), data };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  /** Adds a listener; the function returned removes it. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Listeners subscribed now. */
  get size(): number {
    return this.listeners.size;
  }
}
