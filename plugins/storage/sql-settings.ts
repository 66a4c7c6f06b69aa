import type { SettingsStore } from '../../core/storage.ts';
import type { Db } from './db.ts';

/** The `settings` key-value table. */
export class SqlSettings implements SettingsStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const [r] = await this.#db.query<{ value: string }>(
      'SELECT value FROM settings WHERE key = ?',
      [key],
    );
    return r ? (JSON.parse(r.value) as T) : undefined;
  }
  async set(key: string, value: unknown): Promise<void> {
    await this.#db.run(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [key, JSON.stringify(value)],
    );
  }
  async delete(key: string): Promise<void> {
    await this.#db.run('DELETE FROM settings WHERE key = ?', [key]);
  }
  async list<T>(prefix: string): Promise<Array<[string, T]>> {
    const rows = await this.#db.query<{ key: string; value: string }>(
      'SELECT key, value FROM settings WHERE substr(key, 1, ?) = ? ORDER BY key',
      [prefix.length, prefix],
    );
    return rows.map((r) => [r.key, JSON.parse(r.value) as T]);
  }
}
