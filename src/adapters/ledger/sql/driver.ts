/**
 * @module The little SQL the ledger needs, over both synchronous SQLite
 * APIs it runs on: `node:sqlite` and Durable Object storage.
 */
export type SqlValue = string | number | null;
export type Row = Record<string, SqlValue>;

/** Single statements, inside a transaction or on their own (reads). */
export interface SqlStatements {
  all(sql: string, ...params: SqlValue[]): Row[];
  run(sql: string, ...params: SqlValue[]): void;
}

export interface SqlDriver extends SqlStatements {
  /**
   * Runs `fn` (synchronous, so nothing else interleaves) as one transaction
   * that serialises with every other writer. Waiting for another writer never
   * blocks the thread; a change that cannot be serialised within the
   * driver's deadline is refused with `ledger_busy` and leaves no trace
   * (spec §8.1).
   */
  transaction<T>(fn: () => T): Promise<T>;
}
