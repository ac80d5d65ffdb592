/**
 * @module Where settlement reports are read from. The ledger writes an entry
 * with each commit (`spec/oct.md` §10.1); a store answers a period with sums
 * whose cost does not grow with the history (whole buckets plus the entries
 * at the period's edges), which the report merges (§10.2).
 */
import type { SettlementQuery, SettlementSum } from "../core/settlement/report.ts";

export interface SettlementStore {
  /** Sums covering exactly the entries of the query's period and filters, each once. */
  sums(query: SettlementQuery): Promise<SettlementSum[]>;
}
