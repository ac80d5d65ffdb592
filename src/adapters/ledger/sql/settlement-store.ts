/**
 * @module The settlement book in SQL: it records entries (each once, by
 * redemption id) with their bucket totals in the same transaction, and
 * answers a report's period as whole days and hours plus the entries of its
 * partial edges (spec §10). Node runs it in the ledger's own file, fed by each
 * commit; Workers in the settlement book's Durable Object, fed by the
 * tokens' outboxes.
 */
import { coverPeriod } from "../../../core/settlement/buckets.ts";
import {
  sumOfEntry,
  type SettlementQuery,
  type SettlementSum,
} from "../../../core/settlement/report.ts";
import type {
  ListedRedemption,
  RedemptionListQuery,
} from "../../../core/settlement/redemption-list.ts";
import type { RedemptionRecord } from "../../../core/redemption/record.ts";
import type { SettlementStore } from "../../../ports/settlement.ts";
import type { SqlDriver, SqlValue } from "./driver.ts";
import { addToBuckets, bucketSums, periodFilter } from "./settlement-buckets.ts";
import {
  ENTRY_COLUMNS,
  insertEntry,
  recordOfRow,
  type SettlementJournal,
  type SettlementRecord,
} from "./settlement-entries.ts";

export class SqlSettlementStore implements SettlementStore, SettlementJournal {
  private readonly sql: SqlDriver;

  constructor(sql: SqlDriver) {
    this.sql = sql;
  }

  /** Records an entry and its bucket total; a known redemption id is ignored. Inside a transaction. */
  record(entry: SettlementRecord): void {
    const known = this.sql.all(
      "SELECT 1 FROM settlement_entries WHERE redemption_id = ?",
      entry.redemption_id,
    );
    if (known.length > 0) return;
    insertEntry(this.sql, entry, 1);
    addToBuckets(this.sql, entry);
  }

  /** Records entries forwarded from elsewhere, in one transaction. */
  add(entries: readonly SettlementRecord[]): Promise<void> {
    return this.sql.transaction(() => entries.forEach((entry) => this.record(entry)));
  }

  async sums(query: SettlementQuery): Promise<SettlementSum[]> {
    const { buckets, edges } = coverPeriod(query.from, query.to);
    const sums = buckets.flatMap((span) => bucketSums(this.sql, span, query));
    for (const edge of edges) {
      const { where, params } = periodFilter("committed_at", edge, query);
      for (const row of this.sql.all(
        `SELECT ${ENTRY_COLUMNS} FROM settlement_entries WHERE ${where}`,
        ...params,
      )) {
        sums.push(sumOfEntry(recordOfRow(row)));
      }
    }
    return sums;
  }

  async list(query: RedemptionListQuery): Promise<ListedRedemption[]> {
    const conditions = ["record IS NOT NULL"];
    const params: SqlValue[] = [];
    const where = (condition: string, ...values: SqlValue[]) => {
      conditions.push(condition);
      params.push(...values);
    };
    if (query.from !== undefined) where("committed_at >= ?", query.from);
    if (query.to !== undefined) where("committed_at < ?", query.to);
    if (query.carrier !== undefined) where("carrier = ?", query.carrier);
    if (query.provider !== undefined) where("provider = ?", query.provider);
    if (query.tokenKey !== undefined) where("token_key = ?", query.tokenKey);
    if (query.after !== undefined)
      where(
        "(committed_at > ? OR (committed_at = ? AND redemption_id > ?))",
        query.after.committedAt,
        query.after.committedAt,
        query.after.id,
      );
    return this.sql
      .all(
        `SELECT committed_at, record FROM settlement_entries WHERE ${conditions.join(" AND ")}
         ORDER BY committed_at, redemption_id LIMIT ?`,
        ...params,
        query.limit,
      )
      .map((row) => ({
        record: JSON.parse(String(row.record)) as RedemptionRecord,
        committedAt: Number(row.committed_at),
      }));
  }
}
