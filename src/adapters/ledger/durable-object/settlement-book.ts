/**
 * @module The gateway's settlement book on Workers: one Durable Object that
 * receives every token's settlement entries (idempotently, by redemption id)
 * and answers reports. It also keeps the generated receipt key.
 */
import { DurableObject } from "cloudflare:workers";
import type { PrivateJwk } from "../../../core/signing/keys.ts";
import type { SettlementEntry, SettlementQuery } from "../../../core/settlement/report.ts";
import { SqlKeyStore } from "../sql/key-store.ts";
import { SqlSettlementStore } from "../sql/settlement-store.ts";
import type { LedgerBindings } from "./bindings.ts";
import { durableObjectSql } from "./storage-driver.ts";

export class SettlementBook extends DurableObject<LedgerBindings> {
  private readonly store: SqlSettlementStore;
  private readonly keys: SqlKeyStore;

  constructor(ctx: DurableObjectState, env: LedgerBindings) {
    super(ctx, env);
    const sql = durableObjectSql(ctx.storage);
    this.store = new SqlSettlementStore(sql);
    this.keys = new SqlKeyStore(sql);
  }

  add(entries: (SettlementEntry & { tariff: string })[]): void {
    this.store.add(entries);
  }

  entries(query: SettlementQuery): Promise<SettlementEntry[]> {
    return this.store.entries(query);
  }

  receiptKey(): Promise<PrivateJwk | undefined> {
    return this.keys.get();
  }

  putReceiptKeyIfAbsent(key: PrivateJwk): Promise<PrivateJwk> {
    return this.keys.putIfAbsent(key);
  }
}
