import { hash, randomBytes } from 'node:crypto';

/** The cookie holding a browser's UI session: HttpOnly, SameSite=Strict. */
export const SESSION_COOKIE = 'ccproxy_session';
/** How long a browser stays logged in without a new login. */
export const SESSION_TTL_MS = 7 * 24 * 3_600_000;
/** How long the start banner's one-time login URL can be used (once). */
export const LOGIN_TOKEN_TTL_MS = 24 * 3_600_000;

/** The part of the storage's key-value table the sessions use (`storage.settings`). */
export interface SecretTable {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  list<T>(prefix: string): Promise<Array<[string, T]>>;
}

/** A table in this process's memory, for a config without storage. */
export function memoryTable(): SecretTable {
  const map = new Map<string, unknown>();
  return {
    get: <T>(key: string) => Promise.resolve(map.get(key) as T | undefined),
    set: (key, value) => Promise.resolve(void map.set(key, value)),
    delete: (key) => Promise.resolve(void map.delete(key)),
    list: <T>(prefix: string) =>
      Promise.resolve(
        [...map].filter(([key]) => key.startsWith(prefix)).sort() as Array<[string, T]>,
      ),
  };
}

// Stored as digests: the database (or a backup of it) gives nobody a live session or token.
const digest = (secret: string): string => hash('sha256', secret, 'base64url');
const secret = (): string => randomBytes(32).toString('base64url');

interface Entry {
  expires: number;
}

/**
 * The UI's browser sessions and one-time login tokens. Kept in the storage's settings table
 * (memory without storage), so a session outlives a config reload and a restart, and several
 * instances sharing a database accept each other's sessions.
 */
export class UiSessions {
  readonly #table: SecretTable;
  readonly #now: () => number;

  constructor(table: SecretTable, now: () => number = Date.now) {
    this.#table = table;
    this.#now = now;
  }

  /** A token for the start banner's URL: logs one browser in, once, within 24 hours. */
  loginToken(): Promise<string> {
    return this.#add('ui-login:', LOGIN_TOKEN_TTL_MS);
  }

  /** Spends a login token; true when it was valid. Gone after the first call. */
  async redeem(token: string): Promise<boolean> {
    const key = `ui-login:${digest(token)}`;
    const valid = await this.#valid(key);
    await this.#table.delete(key);
    return valid;
  }

  /** A new session id, for the cookie. */
  open(): Promise<string> {
    return this.#add('ui-session:', SESSION_TTL_MS);
  }

  isOpen(id: string): Promise<boolean> {
    return this.#valid(`ui-session:${digest(id)}`);
  }

  close(id: string): Promise<void> {
    return this.#table.delete(`ui-session:${digest(id)}`);
  }

  async #add(prefix: string, ttlMs: number): Promise<string> {
    await this.#prune(prefix);
    const value = secret();
    await this.#table.set(`${prefix}${digest(value)}`, { expires: this.#now() + ttlMs });
    return value;
  }

  async #valid(key: string): Promise<boolean> {
    const entry = await this.#table.get<Entry>(key);
    return entry !== undefined && entry.expires > this.#now();
  }

  async #prune(prefix: string): Promise<void> {
    const now = this.#now();
    for (const [key, entry] of await this.#table.list<Entry>(prefix)) {
      if (entry.expires <= now) await this.#table.delete(key);
    }
  }
}
