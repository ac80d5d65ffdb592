/**
 * @module The gateway's settlement book on Workers: one Durable Object that
 * receives every token's settlement entries (idempotently, by redemption id)
 * with their bucket totals, answers reports and lists the committed
 * redemptions. It also keeps the generated receipt key and the parties'
 * accepted assertion jtis (spec §7.13): one object, so every isolate refuses
 * a replay; and the index of every token's grants, which a grant report for
 * a period reads (§11.8).
 */
import { DurableObject } from "cloudflare:workers";
import type { PrivateJwk } from "../../../core/signing/keys.ts";
import type { SettlementQuery, SettlementSum } from "../../../core/settlement/report.ts";
import type {
  ListedRedemption,
  RedemptionListQuery,
} from "../../../core/settlement/redemption-list.ts";
import { SqlAssertionJtis } from "../sql/assertion-jtis.ts";
import type { SqlDriver } from "../sql/driver.ts";
import { GRANT_INDEX_MIGRATIONS, SqlGrantIndex, type GrantIndexEntry } from "../sql/grant-index.ts";
import { SqlKeyStore } from "../sql/key-store.ts";
import { ASSERTION_MIGRATIONS, KEY_MIGRATIONS, SETTLEMENT_MIGRATIONS } from "../sql/schema.ts";
import type { SettlementRecord } from "../sql/settlement-entries.ts";
import { SqlSettlementStore } from "../sql/settlement-store.ts";
import type { LedgerBindings } from "./bindings.ts";
import { durableObjectSql } from "./storage-driver.ts";

export class SettlementBook extends DurableObject<LedgerBindings> {
  private readonly store: SqlSettlementStore;
  private readonly keys: SqlKeyStore;
  private readonly jtis: SqlAssertionJtis;
  private readonly grants: SqlGrantIndex;
  private readonly sql: SqlDriver;

  constructor(ctx: DurableObjectState, env: LedgerBindings) {
    super(ctx, env);
    this.sql = durableObjectSql(ctx.storage, [
      ...SETTLEMENT_MIGRATIONS,
      ...KEY_MIGRATIONS,
      ...ASSERTION_MIGRATIONS,
      ...GRANT_INDEX_MIGRATIONS,
    ]);
    this.store = new SqlSettlementStore(this.sql);
    this.keys = new SqlKeyStore(this.sql);
    this.jtis = new SqlAssertionJtis(this.sql);
    this.grants = new SqlGrantIndex(this.sql);
  }

  add(entries: SettlementRecord[]): Promise<void> {
    return this.store.add(entries);
  }

  sums(query: SettlementQuery): Promise<SettlementSum[]> {
    return this.store.sums(query);
  }

  list(query: RedemptionListQuery): Promise<ListedRedemption[]> {
    return this.store.list(query);
  }

  claimAssertion(party: string, jti: string, keepUntil: number, now: number): Promise<boolean> {
    return this.jtis.claim(party, jti, keepUntil, now);
  }

  indexGrants(entries: GrantIndexEntry[]): Promise<void> {
    return this.sql.transaction(() => this.grants.add(entries));
  }

  async grantTokens(
    side: GrantIndexEntry["side"],
    from: number,
    to: number,
    peer?: string,
  ): Promise<string[]> {
    return this.grants.tokens(side, from, to, peer);
  }

  receiptKey(): Promise<PrivateJwk | undefined> {
    return this.keys.get();
  }

  putReceiptKeyIfAbsent(key: PrivateJwk): Promise<PrivateJwk> {
    return this.keys.putIfAbsent(key);
  }
}
