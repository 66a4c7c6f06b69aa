declare module './plugin.ts' {
  interface ProxyServices {
    /** Values kept across config reloads (core provides it): a plugin's Prometheus counters. */
    lasting: Lasting;
  }
}

/**
 * What outlives a config reload. A reload builds every plugin anew; state a client or a scraper
 * expects to go on (counters a Prometheus `rate()` reads, a label's cardinality budget) is kept
 * here under a key that says what it depends on, and found again by the new plugin.
 */
export class Lasting {
  private readonly values = new Map<string, unknown>();

  /** The value kept under `key`, created by `create` on first use. */
  get<T>(key: string, create: () => T): T {
    if (this.values.has(key)) return this.values.get(key) as T;
    const value = create();
    this.values.set(key, value);
    return value;
  }
}
