/**
 * @module The SQL driver over a Durable Object's SQLite storage: synchronous
 * `sql.exec`, and `transactionSync` for atomic steps.
 */
import type { Row, SqlDriver, SqlValue } from "../sql/driver.ts";

export function durableObjectSql(storage: DurableObjectStorage): SqlDriver {
  let depth = 0;
  return {
    all: (sql: string, ...params: SqlValue[]) =>
      storage.sql.exec(sql, ...params).toArray() as Row[],
    run: (sql: string, ...params: SqlValue[]) => void storage.sql.exec(sql, ...params),
    transaction<T>(fn: () => T): T {
      if (depth > 0) return fn();
      depth++;
      try {
        return storage.transactionSync(fn);
      } finally {
        depth--;
      }
    },
  };
}
