/** The few things the SQL storage asks of a database driver; SQL is written with `?` placeholders. */
export interface Db {
  readonly engine: 'sqlite' | 'postgres';
  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /**
   * Runs an INSERT into a table keyed by an integer `seq` (`ON CONFLICT … DO NOTHING` allowed; no
   * `RETURNING`: each engine adds what it needs); resolves to the new row's `seq`, undefined when
   * the statement inserted none.
   */
  insert(sql: string, params?: readonly unknown[]): Promise<number | undefined>;
  /** Runs `work` in one transaction (statements through the `Db` it is given), rolled back on error. */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * Whether this process holds the periodic jobs' lease, taking it when free; one holder among
   * the instances sharing the database. Absent: every instance runs them (one SQLite file).
   */
  lease?(): Promise<boolean>;
  close(): Promise<void>;
}
