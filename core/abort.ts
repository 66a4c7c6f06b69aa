import { abortError } from './http/upstream-body.ts';

/**
 * What an upstream call listens to for its cancellation: an `AbortSignal`, or a request's own
 * `RequestAbort`, which has these members without being one.
 */
export interface AbortSource {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * A request's cancellation (the client left, or the answer failed), whose `AbortSignal` is made
 * only when something asks for it: on Node 20 a signal is an EventTarget that costs about 4 µs to
 * make and listen to, and the core's own upstream call needs none (it listens here directly).
 */
export class RequestAbort implements AbortSource {
  aborted = false;
  reason: unknown = undefined;
  #listeners: (() => void)[] | null = null;
  #controller: AbortController | null = null;

  /** The same cancellation as an `AbortSignal` (already aborted when made after the abort). */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.aborted) this.#controller.abort(this.reason);
    }
    return this.#controller.signal;
  }

  /** Aborts once: listeners run in the order they were added, then the signal (if made) fires. */
  abort(reason: unknown = abortError()): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.#listeners;
    this.#listeners = null;
    if (listeners) for (const listener of listeners) listener();
    this.#controller?.abort(reason);
  }

  /** Calls `listener` once on abort (never, when already aborted: as `AbortSignal` does). */
  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.aborted) (this.#listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const listeners = this.#listeners;
    const at = listeners ? listeners.indexOf(listener) : -1;
    if (at >= 0) listeners!.splice(at, 1);
  }
}
