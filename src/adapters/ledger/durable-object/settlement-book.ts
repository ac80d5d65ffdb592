/**
 * @module The gateway's settlement book on Workers: one Durable Object that
 * receives every token's settlement entries (idempotently, by redemption id)
 * with their bucket totals, and answers reports. It also keeps the generated
 * receipt key.
 */
import { DurableObject } from "cloudflare:workers";
import type { PrivateJwk } from "../../../core/signing/keys.ts";
import type { SettlementQuery, SettlementSum } from "../../../core/settlement/report.ts";
import { SqlKeyStore } from "../sql/key-store.ts";
import { KEY_MIGRATIONS, SETTLEMENT_MIGRATIONS } from "../sql/schema.ts";
import type { SettlementRecord } from "../sql/settlement-entries.ts";
import { SqlSettlementStore } from "../sql/settlement-store.ts";
import type { LedgerBindings } from "./bindings.ts";
import { durableObjectSql } from "./storage-driver.ts";

export class SettlementBook extends DurableObject<LedgerBindings> {
  private readonly store: SqlSettlementStore;
  private readonly keys: SqlKeyStore;

  constructor(ctx: DurableObjectState, env: LedgerBindings) {
    super(ctx, env);
    const sql = durableObjectSql(ctx.storage, [...SETTLEMENT_MIGRATIONS, ...KEY_MIGRATIONS]);
    this.store = new SqlSettlementStore(sql);
    this.keys = new SqlKeyStore(sql);
  }

  add(entries: SettlementRecord[]): Promise<void> {
    return this.store.add(entries);
  }

  sums(query: SettlementQuery): Promise<SettlementSum[]> {
    return this.store.sums(query);
  }

  receiptKey(): Promise<PrivateJwk | undefined> {
    return this.keys.get();
  }

  putReceiptKeyIfAbsent(key: PrivateJwk): Promise<PrivateJwk> {
    return this.keys.putIfAbsent(key);
  }
}
