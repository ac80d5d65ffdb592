/**
 * @module The gateway's settlement book on Workers: one Durable Object that
 * receives every token's settlement entries (idempotently, by redemption id)
 * with their bucket totals, answers reports and lists the committed
 * redemptions. It also keeps the generated receipt key and the parties'
 * accepted assertion jtis (spec §7.13): one object, so every isolate refuses
 * a replay.
 */
import { DurableObject } from "cloudflare:workers";
import type { PrivateJwk } from "../../../core/signing/keys.ts";
import type { SettlementQuery, SettlementSum } from "../../../core/settlement/report.ts";
import type {
  ListedRedemption,
  RedemptionListQuery,
} from "../../../core/settlement/redemption-list.ts";
import { SqlAssertionJtis } from "../sql/assertion-jtis.ts";
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

  constructor(ctx: DurableObjectState, env: LedgerBindings) {
    super(ctx, env);
    const sql = durableObjectSql(ctx.storage, [
      ...SETTLEMENT_MIGRATIONS,
      ...KEY_MIGRATIONS,
      ...ASSERTION_MIGRATIONS,
    ]);
    this.store = new SqlSettlementStore(sql);
    this.keys = new SqlKeyStore(sql);
    this.jtis = new SqlAssertionJtis(sql);
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

  receiptKey(): Promise<PrivateJwk | undefined> {
    return this.keys.get();
  }

  putReceiptKeyIfAbsent(key: PrivateJwk): Promise<PrivateJwk> {
    return this.keys.putIfAbsent(key);
  }
}
