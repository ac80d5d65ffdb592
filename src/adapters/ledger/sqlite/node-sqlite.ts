/**
 * @module The ledger on Node: one SQLite file (`node:sqlite`, built into
 * Node 22, no native addon), WAL mode, `BEGIN IMMEDIATE` transactions so
 * several gateway processes can share the file and still serialise per write.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { SqlDriver, SqlValue, Row } from "../sql/driver.ts";

export function openSqlite(path: string): {
  db: DatabaseSync;
  driver: SqlDriver;
  checkpoint(): void;
} {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  // First: another process holding a lock (even while it switches the file
  // to WAL at the same moment) makes us wait, not fail.
  db.exec("PRAGMA busy_timeout = 10000");
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  // Checkpoints run on a timer (`checkpoint` below), not inside whichever
  // request happens to fill the log (bench/README.md: the redemption tail).
  db.exec("PRAGMA wal_autocheckpoint = 0");
  const statements = new Map<string, ReturnType<DatabaseSync["prepare"]>>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
  let depth = 0;
  const driver: SqlDriver = {
    all: (sql: string, ...params: SqlValue[]) => prepared(sql).all(...params) as Row[],
    run: (sql: string, ...params: SqlValue[]) => void prepared(sql).run(...params),
    transaction<T>(fn: () => T): T {
      if (depth > 0) return fn();
      db.exec("BEGIN IMMEDIATE");
      depth++;
      try {
        const result = fn();
        db.exec("COMMIT");
        return result;
      } catch (error) {
        db.exec("ROLLBACK");
        throw error;
      } finally {
        depth--;
      }
    },
  };
  const checkpoint = () => void db.exec("PRAGMA wal_checkpoint(PASSIVE)");
  return { db, driver, checkpoint };
}
