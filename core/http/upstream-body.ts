import type { Dispatcher } from 'undici';
import { ProxyError } from '../errors.ts';
import { decodeUtf8 } from './utf8.ts';

/** Bytes queued unread before the upstream socket is paused (backpressure to the upstream). */
const HIGH_WATER = 256 * 1024;

/**
 * The most a whole (non-streamed) upstream answer may hold: an upstream sending more fails the
 * attempt rather than the process (a 200 MB answer once peaked at 1.3 GB of memory).
 */
export const UPSTREAM_BODY_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * An upstream response body fed by an undici dispatch handler: read it whole (`text`, `json`),
 * chunk by chunk (`for await`), or discard it (`dump`). Lighter than undici's Readable body: no
 * stream state machine, one promise per read rather than several per chunk, and a read returns
 * everything queued since the last one, so a reader that falls behind catches up in one step.
 */
export class UpstreamBody implements AsyncIterable<Buffer> {
  private queue: Buffer[] = [];
  private queued = 0;
  private ended = false;
  private failure: Error | null = null;
  private discard = false;
  private received = 0;
  /** The reader waiting for the next chunk or the end. */
  private wake: (() => void) | null = null;
  private readonly controller: Dispatcher.DispatchController;
  private readonly limit: number;
  private readonly label: string;

  /**
   * `limit`: the most bytes the whole body may hold (`Infinity` for a stream, whose events are
   * bounded by the SSE parser instead); `label` names the provider in the error past it.
   */
  constructor(controller: Dispatcher.DispatchController, limit = Infinity, label = 'upstream') {
    this.controller = controller;
    this.limit = limit;
    this.label = label;
  }

  /** The dispatch handler's side: a chunk arrived. */
  push(chunk: Buffer): void {
    if (this.discard || this.ended) return;
    this.received += chunk.length;
    if (this.received > this.limit) return this.overflow();
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (this.queued > HIGH_WATER && !this.controller.paused) this.controller.pause();
    this.notify();
  }

  private overflow(): void {
    const mb = Math.round(this.limit / 1024 / 1024);
    const error = new ProxyError(
      'api_error',
      502,
      `${this.label}: the upstream's answer exceeds ${mb} MB`,
    );
    this.queue = [];
    this.queued = 0;
    this.finish(error);
    this.controller.abort(error);
  }

  /** The dispatch handler's side: the body ended, or failed with `error`. */
  finish(error: Error | null): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async until(ready: () => boolean): Promise<void> {
    while (!ready()) await new Promise<void>((resolve) => (this.wake = resolve));
  }

  /** Everything queued so far, or null at the end; waits while nothing is queued. */
  private async read(): Promise<Buffer | null> {
    if (this.queued === 0 && !this.ended) await this.until(() => this.queued > 0 || this.ended);
    if (this.queued > 0) {
      const chunk =
        this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue, this.queued);
      this.queue = [];
      this.queued = 0;
      if (this.controller.paused) this.controller.resume();
      return chunk;
    }
    if (this.failure) throw this.failure;
    return null;
  }

  [Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    return this.iterator();
  }

  /**
   * The chunks as they come. A reader that stops early closes the connection, unless
   * `destroyOnReturn` is false: the caller then decides (`dump` to reuse it, or `destroy`).
   */
  async *iterator({ destroyOnReturn = true } = {}): AsyncGenerator<Buffer> {
    try {
      for (let chunk = await this.read(); chunk; chunk = await this.read()) yield chunk;
    } finally {
      if (destroyOnReturn) this.destroy();
    }
  }

  async text(): Promise<string> {
    const chunks: Buffer[] = [];
    for (let chunk = await this.read(); chunk; chunk = await this.read()) chunks.push(chunk);
    return decodeUtf8(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  /** Reads the rest without keeping it, so that the connection goes back to the pool. */
  async dump(): Promise<void> {
    this.discard = true;
    this.queue = [];
    this.queued = 0;
    if (this.controller.paused) this.controller.resume();
    await this.until(() => this.ended);
  }

  /** Aborts the response: the connection is closed rather than reused. */
  destroy(error?: Error): void {
    if (!this.ended) this.controller.abort(error ?? abortError());
  }
}

/** What a request cut short by its caller fails with, as `fetch` and undici's `request()` do. */
export const abortError = (): Error => new DOMException('This operation was aborted', 'AbortError');
