/**
 * @module The little SQL the ledger needs, over both synchronous SQLite
 * APIs it runs on: `node:sqlite` and Durable Object storage.
 */
export type SqlValue = string | number | null;
export type Row = Record<string, SqlValue>;

export interface SqlDriver {
  all(sql: string, ...params: SqlValue[]): Row[];
  run(sql: string, ...params: SqlValue[]): void;
  /** Runs `fn` as one transaction that serialises with every other writer. */
  transaction<T>(fn: () => T): T;
}
