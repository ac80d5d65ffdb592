/**
 * @module Settlement entries read back for reports, from the same SQL
 * tables the ledger writes (Node), or the settlement book's (Workers).
 */
import type { SettlementEntry, SettlementQuery } from "../../../core/settlement/report.ts";
import type { SettlementStore } from "../../../ports/settlement.ts";
import type { Row, SqlDriver } from "./driver.ts";
import { LEDGER_SCHEMA } from "./schema.ts";

/** A `settlement_entries` row as an entry. */
export function entryOfRow(row: Row): SettlementEntry {
  return {
    redemption_id: String(row.redemption_id),
    carrier: String(row.carrier),
    provider: String(row.provider),
    unit: String(row.unit),
    debited: String(row.debited),
    credit_unit: String(row.credit_unit),
    credited: String(row.credited),
    committed_at: Number(row.committed_at),
  };
}

export class SqlSettlementStore implements SettlementStore {
  private readonly sql: SqlDriver;

  constructor(sql: SqlDriver) {
    this.sql = sql;
    for (const statement of LEDGER_SCHEMA) sql.run(statement);
  }

  async entries(query: SettlementQuery): Promise<SettlementEntry[]> {
    const conditions = ["committed_at >= ?", "committed_at < ?"];
    const params: (string | number)[] = [query.from, query.to];
    if (query.carrier !== undefined) {
      conditions.push("carrier = ?");
      params.push(query.carrier);
    }
    if (query.provider !== undefined) {
      conditions.push("provider = ?");
      params.push(query.provider);
    }
    return this.sql
      .all(
        `SELECT redemption_id, carrier, provider, unit, debited, credit_unit, credited, committed_at FROM settlement_entries WHERE ${conditions.join(" AND ")}`,
        ...params,
      )
      .map(entryOfRow);
  }

  /** Adds entries forwarded from elsewhere; a repeat of a known redemption id is ignored. */
  add(entries: readonly (SettlementEntry & { tariff: string })[]): void {
    this.sql.transaction(() => {
      for (const e of entries) {
        this.sql.run(
          "INSERT OR IGNORE INTO settlement_entries (redemption_id, carrier, provider, unit, debited, credit_unit, credited, tariff, committed_at, forwarded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
          e.redemption_id,
          e.carrier,
          e.provider,
          e.unit,
          e.debited,
          e.credit_unit,
          e.credited,
          e.tariff,
          e.committed_at,
        );
      }
    });
  }
}
