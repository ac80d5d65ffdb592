/**
 * @module Schema migrations: each named step runs once per database, in
 * order, recorded in `schema_migrations`, so an existing ledger file or
 * Durable Object is brought forward in place.
 */
import type { SqlStatements } from "./driver.ts";

export interface Migration {
  /** Unique across every list applied to one database. */
  id: string;
  apply(sql: SqlStatements): void;
}

/** Statements as a migration. */
export const statements = (id: string, sql: readonly string[]): Migration => ({
  id,
  apply: (db) => sql.forEach((statement) => db.run(statement)),
});

/** Applies the steps not yet applied. Runs inside the caller's transaction. */
export function migrate(sql: SqlStatements, migrations: readonly Migration[]): void {
  sql.run("CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY)");
  const applied = new Set(sql.all("SELECT id FROM schema_migrations").map((row) => row.id));
  for (const migration of migrations) {
    if (applied.has(migration.id)) continue;
    migration.apply(sql);
    sql.run("INSERT INTO schema_migrations (id) VALUES (?)", migration.id);
  }
}
