/**
 * @module A token's settlement entries on Workers: written by each commit
 * in the token's Durable Object, kept there until the settlement book has
 * them (forwarding is retried by the object's alarm).
 */
import type { SqlDriver } from "./driver.ts";
import {
  ENTRY_COLUMNS,
  insertEntry,
  recordOfRow,
  type SettlementJournal,
  type SettlementRecord,
} from "./settlement-entries.ts";

export class SettlementOutbox implements SettlementJournal {
  private readonly sql: SqlDriver;

  constructor(sql: SqlDriver) {
    this.sql = sql;
  }

  /** Inside the commit's transaction. */
  record(entry: SettlementRecord): void {
    insertEntry(this.sql, entry, 0);
  }

  /** Entries not yet forwarded, oldest first. */
  pending(limit = 100): SettlementRecord[] {
    return this.sql
      .all(
        `SELECT ${ENTRY_COLUMNS} FROM settlement_entries WHERE forwarded = 0 ORDER BY committed_at LIMIT ?`,
        limit,
      )
      .map(recordOfRow);
  }

  markForwarded(ids: readonly string[]): Promise<void> {
    return this.sql.transaction(() => {
      for (const id of ids)
        this.sql.run("UPDATE settlement_entries SET forwarded = 1 WHERE redemption_id = ?", id);
    });
  }
}
