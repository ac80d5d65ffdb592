/**
 * @module The SQL driver over a Durable Object's SQLite storage: synchronous
 * `sql.exec`, and `transactionSync` for atomic steps. The object is the only
 * writer of its storage, so a transaction never waits for a lock.
 */
import type { Row, SqlDriver, SqlValue } from "../sql/driver.ts";
import { migrate, type Migration } from "../sql/migrate.ts";

/** The driver, after bringing the object's tables up to date. */
export function durableObjectSql(
  storage: DurableObjectStorage,
  migrations: readonly Migration[],
): SqlDriver {
  const driver: SqlDriver = {
    all: (sql: string, ...params: SqlValue[]) =>
      storage.sql.exec(sql, ...params).toArray() as Row[],
    run: (sql: string, ...params: SqlValue[]) => void storage.sql.exec(sql, ...params),
    // `async`: the body still runs at once, in the caller's turn.
    transaction: async (fn) => storage.transactionSync(fn),
  };
  storage.transactionSync(() => migrate(driver, migrations));
  return driver;
}
