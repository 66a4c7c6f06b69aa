import type { Logger } from 'pino';

export interface JobsOptions {
  /** Whether this instance holds the jobs' lease now (taking it when free); absent: always. */
  lease?: () => Promise<boolean>;
  /** The job: retention. */
  run: () => Promise<void>;
  log: Logger;
  /** Milliseconds between two lease checks. Default 15 000. */
  checkMs?: number;
  /** Milliseconds between two runs. Default one hour. */
  everyMs?: number;
}

/**
 * The storage's periodic job (retention), on one instance at a time: whichever holds the lease
 * runs it, at start and then every `everyMs`. The others check every `checkMs` and take over once
 * the lease is free (its holder stopped or died).
 */
export class PeriodicJobs {
  /** Whether this instance held the lease at the last check. */
  holder = false;
  #lastRun = -Infinity;
  readonly #timer: NodeJS.Timeout;
  readonly #options: JobsOptions;

  constructor(options: JobsOptions) {
    this.#options = options;
    const tick = () =>
      void this.#tick().catch((err: unknown) =>
        options.log.error({ err }, 'storage: retention failed'),
      );
    this.#timer = setInterval(tick, options.checkMs ?? 15_000).unref();
    setImmediate(tick).unref();
  }

  async #tick(): Promise<void> {
    const holder = (await this.#options.lease?.().catch(() => false)) ?? true;
    if (holder !== this.holder && this.#options.lease)
      this.#options.log.info(
        { holder },
        holder ? 'storage: this instance runs the periodic jobs' : 'storage: jobs lease lost',
      );
    this.holder = holder;
    if (!holder || Date.now() - this.#lastRun < (this.#options.everyMs ?? 3_600_000)) return;
    this.#lastRun = Date.now();
    await this.#options.run();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
