/**
 * @module Settlement entries as the ledger stores them (spec §10.1), and
 * the journal a commit writes its entry to, inside the commit's transaction.
 */
import type { SettlementEntry } from "../../../core/settlement/report.ts";
import type { Row, SqlStatements } from "./driver.ts";

/** An entry with its tariff (JSON text), its token's key and the committed redemption, as stored and forwarded. */
export interface SettlementRecord extends SettlementEntry {
  tariff: string;
  /** Absent on entries kept before redemptions were listed (`schema.ts`). */
  token_key?: string;
  /** The committed `RedemptionRecord`, as JSON text. */
  record?: string;
}

/** Where a commit writes its one settlement entry, in the same transaction. */
export interface SettlementJournal {
  record(entry: SettlementRecord): void;
}

export const ENTRY_COLUMNS =
  "redemption_id, carrier, provider, unit, debited, credit_unit, credited, tariff, committed_at, token_key, record";

/** A `settlement_entries` row as a record. */
export function recordOfRow(row: Row): SettlementRecord {
  return {
    redemption_id: String(row.redemption_id),
    carrier: String(row.carrier),
    provider: String(row.provider),
    unit: String(row.unit),
    debited: String(row.debited),
    credit_unit: String(row.credit_unit),
    credited: String(row.credited),
    tariff: String(row.tariff),
    committed_at: Number(row.committed_at),
    ...(row.token_key !== null && row.token_key !== undefined
      ? { token_key: String(row.token_key) }
      : {}),
    ...(row.record !== null && row.record !== undefined ? { record: String(row.record) } : {}),
  };
}

/** Inserts an entry; `forwarded` 0 marks it still to be sent to the settlement book. */
export function insertEntry(sql: SqlStatements, e: SettlementRecord, forwarded: 0 | 1): void {
  sql.run(
    `INSERT INTO settlement_entries (${ENTRY_COLUMNS}, forwarded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    e.redemption_id,
    e.carrier,
    e.provider,
    e.unit,
    e.debited,
    e.credit_unit,
    e.credited,
    e.tariff,
    e.committed_at,
    e.token_key ?? null,
    e.record ?? null,
    forwarded,
  );
}
