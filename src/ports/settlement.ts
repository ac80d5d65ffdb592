/**
 * @module Where settlement entries are read from for reports. The ledger
 * writes them with each commit (`spec/oct.md` §10.1).
 */
import type { SettlementEntry, SettlementQuery } from "../core/settlement/report.ts";

export interface SettlementStore {
  entries(query: SettlementQuery): Promise<SettlementEntry[]>;
}
