import type { Logger } from 'pino';

export interface QueueOptions {
  /** Milliseconds between two writes at most. Default 1000 (SIGKILL loses at most this much). */
  flushMs?: number;
  /** Entries kept while the database fails; the oldest are dropped past it. Default 10 000. */
  maxPending?: number;
}

/** Counters of the write path, for logs and metrics. */
export interface QueueStats {
  written: number;
  failedFlushes: number;
  dropped: number;
  /** The last write's error while it keeps failing; undefined once a write succeeds. */
  lastError?: string;
}

/** What the queue calls: the batch writer, and who hears of entries leaving it. */
export interface QueueTarget<T> {
  write(batch: T[]): Promise<void> | void;
  /** An entry left the queue: written, or dropped because the queue was full. */
  release?(entry: T): void;
  log: Logger;
}

/**
 * Rows wait here and are written in batches, one transaction per flush, off the response path.
 * A failed write keeps its batch for the next flush: a failing database never fails a request.
 */
export class WriteQueue<T> {
  readonly stats: QueueStats = { written: 0, failedFlushes: 0, dropped: 0 };
  #pending: T[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  /** The batch being written now. */
  #writing: T[] = [];
  readonly #flushMs: number;
  readonly #maxPending: number;
  readonly #target: QueueTarget<T>;
  readonly #log: Logger;

  constructor(target: QueueTarget<T>, options: QueueOptions = {}) {
    this.#target = target;
    this.#log = target.log;
    this.#flushMs = options.flushMs ?? 1000;
    this.#maxPending = options.maxPending ?? 10_000;
  }

  /** Entries not yet committed: waiting, kept for a retry, or in the write under way. */
  get pending(): number {
    return this.#writing.length + this.#pending.length;
  }

  /** Entries not yet committed: the batch being written, then those waiting. */
  *unwritten(): Iterable<T> {
    yield* this.#writing;
    yield* this.#pending;
  }

  push(entry: T): void {
    this.#pending.push(entry);
    if (this.#pending.length > this.#maxPending) this.#drop(1);
    // unref: a queued row never keeps the process alive; close() flushes what is left.
    this.#timer ??= setTimeout(() => void this.flush(), this.#flushMs).unref();
  }

  /** Writes what is pending now (after any write under way); resolves even when it fails. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#running) await this.#running;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#writing = batch;
    this.#running = this.#writeBatch(batch);
    try {
      await this.#running;
    } finally {
      this.#running = undefined;
      this.#writing = [];
    }
  }

  async #writeBatch(batch: T[]): Promise<void> {
    try {
      await this.#target.write(batch);
      this.stats.written += batch.length;
      if (this.#target.release) for (const entry of batch) this.#target.release(entry);
      if (this.stats.lastError !== undefined)
        this.#log.info(
          { rows: this.stats.written },
          'storage: writing again; the queued rows are stored',
        );
      this.stats.lastError = undefined;
    } catch (error) {
      this.stats.failedFlushes++;
      // Retried every flush interval while the database is down: logged once per outage.
      const level = this.stats.lastError === undefined ? 'error' : 'debug';
      this.stats.lastError = error instanceof Error ? error.message : String(error);
      this.#log[level](
        { err: error, rows: batch.length, failedFlushes: this.stats.failedFlushes },
        'storage: write failed; the rows stay queued and are retried',
      );
      this.#pending = batch.concat(this.#pending);
      const excess = this.#pending.length - this.#maxPending;
      if (excess > 0) this.#drop(excess);
      this.#timer ??= setTimeout(() => void this.flush(), this.#flushMs).unref();
    }
  }

  /** Gives up the `count` oldest entries. */
  #drop(count: number): void {
    const dropped = this.#pending.splice(0, count);
    this.stats.dropped += count;
    if (this.#target.release) for (const entry of dropped) this.#target.release(entry);
  }
}
