/**
 * A token's Durable Object keeps only live quotes (spec §8.3): saving one
 * sets the object's alarm for its expiry, and the alarm deletes it.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { LedgerBindings } from "../../src/adapters/ledger/durable-object/bindings.ts";
import { quoteRecord } from "../support/quote-record.ts";

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
