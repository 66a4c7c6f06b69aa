import type { Logger } from 'pino';
import type { RequestEntry } from '../../core/storage.ts';

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

/**
 * Rows wait here and are written in batches, one transaction per flush, off the response path.
 * A failed write keeps its batch for the next flush: a failing database never fails a request.
 */
export class WriteQueue {
  readonly stats: QueueStats = { written: 0, failedFlushes: 0, dropped: 0 };
  #pending: RequestEntry[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  /** The batch being written now. */
  #writing: RequestEntry[] = [];
  readonly #flushMs: number;
  readonly #maxPending: number;
  readonly #write: (batch: RequestEntry[]) => Promise<void> | void;
  readonly #log: Logger;

  constructor(
    write: (batch: RequestEntry[]) => Promise<void> | void,
    log: Logger,
    options: QueueOptions = {},
  ) {
    this.#write = write;
    this.#log = log;
    this.#flushMs = options.flushMs ?? 1000;
    this.#maxPending = options.maxPending ?? 10_000;
  }

  /** Entries not yet committed: waiting, kept for a retry, or in the write under way. */
  get pending(): number {
    return this.#writing.length + this.#pending.length;
  }

  /** Entries not yet committed: the batch being written, then those waiting. */
  *unwritten(): Iterable<RequestEntry> {
    yield* this.#writing;
    yield* this.#pending;
  }

  push(entry: RequestEntry): void {
    this.#pending.push(entry);
    if (this.#pending.length > this.#maxPending) {
      this.#pending.shift();
      this.stats.dropped++;
    }
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

  async #writeBatch(batch: RequestEntry[]): Promise<void> {
    try {
      await this.#write(batch);
      this.stats.written += batch.length;
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
      if (excess > 0) {
        this.#pending.splice(0, excess);
        this.stats.dropped += excess;
      }
      this.#timer ??= setTimeout(() => void this.flush(), this.#flushMs).unref();
    }
  }
}
