/**
 * A token's Durable Object keeps only live quotes (spec §8.3): saving one
 * sets the object's alarm for its expiry, and the alarm deletes it. Its
 * storage, written by the version before holds, is migrated in place.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { LedgerBindings } from "../../src/adapters/ledger/durable-object/bindings.ts";
import { durableObjectSql } from "../../src/adapters/ledger/durable-object/storage-driver.ts";
import { LEDGER_MIGRATIONS } from "../../src/adapters/ledger/sql/schema.ts";
import { SettlementOutbox } from "../../src/adapters/ledger/sql/settlement-outbox.ts";
import { SqlLedger } from "../../src/adapters/ledger/sql/sql-ledger.ts";
import {
  checkUpgraded,
  EARLIER_LEDGER_TABLES,
  EARLIER_TOKEN_KEY,
  writeEarlierRows,
} from "../support/ledger-before-holds.ts";
import { NOW_SECONDS } from "../support/network.ts";
import { quoteRecord } from "../support/quote-record.ts";
import { redemptionRecord } from "../support/redemption-record.ts";

const bindings = env as unknown as LedgerBindings;
const TOKEN_KEY = "quote-alarm-token-key-000000000000000000000";

describe("quotes in a token's Durable Object", () => {
  it("the alarm set for a quote's expiry deletes it, and leaves the live ones", async () => {
    const stub = bindings.TOKEN_LEDGER.get(bindings.TOKEN_LEDGER.idFromName(TOKEN_KEY));
    const now = Date.now();
    const soon = quoteRecord(TOKEN_KEY, now + 1500);
    const later = quoteRecord(TOKEN_KEY, now + 3_600_000);
    expect(await stub.saveQuote(soon, now, 100)).toEqual({ kind: "saved" });
    expect(await stub.saveQuote(later, now, 100)).toEqual({ kind: "saved" });
    expect(await runInDurableObject(stub, (_, state) => state.storage.getAlarm())).toBe(now + 1500);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    // The alarm has fired by now, or fires here: either way it is the alarm's work.
    await runDurableObjectAlarm(stub);
    expect(await stub.getQuote(TOKEN_KEY, soon.id)).toBeUndefined();
    expect(await stub.getQuote(TOKEN_KEY, later.id)).toMatchObject({ id: later.id });
    const rows = await runInDurableObject(stub, (_, state) =>
      state.storage.sql.exec("SELECT COUNT(*) AS n FROM quotes").one(),
    );
    expect(rows).toEqual({ n: 1 });
    // The next alarm waits for the remaining quote.
    expect(await runInDurableObject(stub, (_, state) => state.storage.getAlarm())).toBe(
      now + 3_600_000,
    );
  });
});

describe("an authorisation in its token's Durable Object", () => {
  it("left open, it is released by the alarm set at its expiry", async () => {
    const tokenKey = "authorization-alarm-token-key-0000000000000";
    const stub = bindings.TOKEN_LEDGER.get(bindings.TOKEN_LEDGER.idFromName(tokenKey));
    const now = Date.now();
    const record = redemptionRecord(
      tokenKey,
      { iss: "https://tokens.carrier-a.example", jti: tokenKey },
      now,
      {
        status: "authorized",
        captureMode: "manual",
        expiresAt: now + 1500,
        receipt: undefined,
      },
    );
    expect(await stub.reserve({ record, faceValue: "100", now })).toMatchObject({
      kind: "reserved",
    });
    expect(await stub.balance(tokenKey, now)).toMatchObject({ committed: "0", reserved: "40" });
    expect(await runInDurableObject(stub, (_, state) => state.storage.getAlarm())).toBe(now + 1500);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    // The alarm has fired by now, or fires here: either way it is the alarm's work.
    await runDurableObjectAlarm(stub);
    expect(await stub.get(tokenKey, record.id)).toMatchObject({
      status: "expired",
      remaining: "100",
    });
    expect(await stub.getHold(tokenKey, record.id)).toMatchObject({
      kind: "authorization",
      status: "closed",
      closedBy: "expiry",
      captured: "0",
    });
    expect(await stub.balance(tokenKey, Date.now())).toMatchObject({
      committed: "0",
      reserved: "0",
    });
  });
});

describe("a token's Durable Object written before holds", () => {
  it("is brought forward in place: each redemption's reservation a hold, the balance as it was", async () => {
    const stub = bindings.TOKEN_LEDGER.get(bindings.TOKEN_LEDGER.idFromName(EARLIER_TOKEN_KEY));
    const now = NOW_SECONDS * 1000;
    await runInDurableObject(stub, async (_, state) => {
      // The object's storage as the version before holds left it.
      const sql = state.storage.sql;
      // ... and before grants, which came after holds.
      for (const table of [
        "holds",
        "tokens",
        "redemptions",
        "grants_issued",
        "grants_held",
        "grant_asks",
      ])
        sql.exec(`DROP TABLE ${table}`);
      sql.exec(
        "DELETE FROM schema_migrations WHERE id IN ('holds', 'grants', 'grants-issued-by-token')",
      );
      for (const statement of EARLIER_LEDGER_TABLES) sql.exec(statement);
      const driver = durableObjectSql(state.storage, []);
      writeEarlierRows(driver, now);
      // What the object's constructor does on its next start.
      const upgraded = durableObjectSql(state.storage, LEDGER_MIGRATIONS);
      await checkUpgraded(new SqlLedger(upgraded, new SettlementOutbox(upgraded)), now);
    });
  });
});
