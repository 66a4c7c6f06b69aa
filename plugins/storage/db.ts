/** The few things the SQL storage asks of a database driver; SQL is written with `?` placeholders. */
export interface Db {
  readonly engine: 'sqlite' | 'postgres';
  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs `work` in one transaction (statements through the `Db` it is given), rolled back on error. */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
