/**
 * @module Where settlement reports are read from. The ledger writes an entry
 * with each commit (`spec/oct.md` §10.1); a store answers a period with sums
 * whose cost does not grow with the history (whole buckets plus the entries
 * at the period's edges), which the report merges (§10.2); and it lists the
 * committed redemptions its entries record (§7.14).
 */
import type { SettlementQuery, SettlementSum } from "../core/settlement/report.ts";
import type { ListedRedemption, RedemptionListQuery } from "../core/settlement/redemption-list.ts";

export interface SettlementStore {
  /** Sums covering exactly the entries of the query's period and filters, each once. */
  sums(query: SettlementQuery): Promise<SettlementSum[]>;
  /**
   * The committed redemptions of the entries within the query, after its
   * place, in commit time then id order, at most `limit` (spec §7.14).
   */
  list(query: RedemptionListQuery): Promise<ListedRedemption[]>;
}
