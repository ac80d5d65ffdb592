/**
 * The ledger's federation side on Workers (`spec/oct.md` §11), through the
 * Worker's adapter to the tokens' Durable Objects: a home's refusals reach
 * the Worker with their codes, a grant and its hold move together, and a
 * grant report for a period gathers the grants of every token from the
 * settlement book's index.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { LedgerBindings } from "../../src/adapters/ledger/durable-object/bindings.ts";
import {
  durableObjectGrantLedger,
  durableObjectLedger,
} from "../../src/adapters/ledger/durable-object/ports.ts";
import { parseAmount } from "../../src/core/amount/decimal.ts";
import { OctError } from "../../src/core/errors.ts";
import { grantIdFor } from "../../src/core/federation/ids.ts";
import type { HeldGrantRecord } from "../../src/core/federation/records.ts";
import { tokenKeyOf } from "../../src/core/redemption/record.ts";
import type { IssueGrantInput } from "../../src/ports/grant-ledger.ts";
import { NOW_SECONDS } from "../support/network.ts";

const bindings = env as unknown as LedgerBindings;
const grants = durableObjectGrantLedger(bindings);
const ledger = durableObjectLedger(bindings);
const HOME = "https://gw.carrier-a.example";
const VISITED = "https://gw.carrier-b.example";
const OTHER = "https://gw.carrier-c.example";
const UNIT = "gpu-second:h100-sxm";
const NOW = NOW_SECONDS * 1000;
const SETTINGS = { grant_ttl_seconds: 60, report_window_seconds: 30 };
const $ = (text: string) => parseAmount(text)!;

let tokens = 0;
/** A new token identity of `face` units. */
function identityOf(face: string) {
  const token = { iss: "https://tokens.carrier-a.example", jti: `fed-ledger-${++tokens}` };
  return { tokenKey: tokenKeyOf(token), token, faceValue: face, unit: UNIT };
}

async function issue(
  identity: ReturnType<typeof identityOf>,
  request: string,
  amount: string,
  visited = VISITED,
  now = NOW,
) {
  const input: IssueGrantInput = {
    identity,
    terms: {
      id: await grantIdFor(identity.tokenKey, visited, request),
      home: HOME,
      visited,
      token: identity.token,
      unit: UNIT,
      faceValue: identity.faceValue,
      request,
    },
    fingerprint: `fp-${request}`,
    ask: { amount: $(amount), minAmount: $(amount) },
    tokenExp: now + 3_600_000,
    settings: SETTINGS,
    now,
  };
  return grants.issueGrant(input);
}

async function refusalOf(run: () => Promise<unknown>) {
  try {
    await run();
    return "accepted";
  } catch (error) {
    return error instanceof OctError ? error.code : `not an OctError: ${String(error)}`;
  }
}

describe("a home's grants in the token's Durable Object (spec §11.5, §11.6)", () => {
  it("holds a grant against the face value, and refuses beyond it with insufficient_balance", async () => {
    const identity = identityOf("100");
    const issued = await issue(identity, "gr.1", "60");
    expect(issued.kind).toBe("issued");
    expect(await ledger.balance(identity.tokenKey, NOW)).toMatchObject({
      committed: "0",
      reserved: "60",
    });
    // The refusal crosses the RPC boundary as the OctError it is.
    expect(await refusalOf(() => issue(identity, "gr.2", "41"))).toBe("insufficient_balance");
    expect(await ledger.balance(identity.tokenKey, NOW)).toMatchObject({ reserved: "60" });
    // The same request again is answered with the grant it got, not held twice.
    expect((await issue(identity, "gr.1", "60")).kind).toBe("existing");
  });

  it("applies usage reports; a report above the grant is refused with usage_invalid, a stale one usage_conflict", async () => {
    const identity = identityOf("100");
    const outcome = await issue(identity, "gr.1", "50");
    if (outcome.kind !== "issued") throw new Error(outcome.kind);
    const id = outcome.record.terms.id;
    const report = (seq: number, used: string, final = false) =>
      grants.applyUsage(identity.tokenKey, id, { seq, used: $(used), final }, NOW + 1000);
    expect(await refusalOf(() => report(1, "50.000000000000000001"))).toBe("usage_invalid");
    expect((await report(1, "20")).replay).toBe(false);
    expect((await report(1, "20")).replay).toBe(true);
    expect(await refusalOf(() => report(1, "25"))).toBe("usage_conflict");
    const closed = await report(2, "30", true);
    expect(closed.record.status).toBe("closed");
    expect(await ledger.balance(identity.tokenKey, NOW + 1000)).toMatchObject({
      committed: "30",
      reserved: "0",
    });
  });
});

describe("grant reports for a period on Workers (spec §11.8)", () => {
  it("gathers the issued grants of every token from the book's index, ordered by id, of one peer when asked", async () => {
    const from = NOW + 10_000_000;
    const [one, two] = [identityOf("100"), identityOf("100")];
    const ids = [
      await issue(one, "gr.a", "10", VISITED, from),
      await issue(two, "gr.b", "10", VISITED, from + 1000),
      await issue(two, "gr.c", "10", OTHER, from + 2000),
    ].map((outcome) => (outcome.kind === "issued" ? outcome.record.terms.id : outcome.kind));
    const all = await grants.issuedGrants(from, from + 60_000);
    expect(all.map((record) => record.terms.id)).toEqual([...ids].sort());
    const toVisited = await grants.issuedGrants(from, from + 60_000, VISITED);
    expect(toVisited.map((record) => record.terms.id).sort()).toEqual(ids.slice(0, 2).sort());
    expect(await grants.issuedGrants(from + 60_000, from + 120_000)).toEqual([]);
  });

  it("gathers the held grants of every token, as a visited gateway stored them", async () => {
    const from = NOW + 20_000_000;
    const stored: string[] = [];
    for (const [i, identity] of [identityOf("100"), identityOf("100")].entries()) {
      const requestId = `gr.held-${i}`;
      await grants.recordAsk({
        requestId,
        tokenKey: identity.tokenKey,
        home: HOME,
        token: "a.b.c",
        amount: "10",
        minAmount: "1",
        unit: UNIT,
        identity: identity.token,
        faceValue: identity.faceValue,
      });
      const id = await grantIdFor(identity.tokenKey, VISITED, requestId);
      const record: HeldGrantRecord = {
        terms: {
          id,
          home: HOME,
          visited: VISITED,
          token: identity.token,
          unit: UNIT,
          faceValue: identity.faceValue,
          amount: "10",
          issuedAt: from + i * 1000,
          validUntil: from + 60_000,
          reportBy: from + 90_000,
          request: requestId,
          jws: "a.b.c",
        },
        status: "open",
        committed: "0",
        reserved: "0",
        lastDrawnAt: from,
        acknowledged: { seq: 0, used: "0" },
      };
      await grants.storeHeldGrant(identity.tokenKey, record, requestId);
      // Stored with its request forgotten, in one step.
      expect(await grants.asks(identity.tokenKey)).toEqual([]);
      stored.push(id);
    }
    const held = await grants.heldGrantsBetween(from, from + 60_000, HOME);
    expect(held.map((record) => record.terms.id)).toEqual([...stored].sort());
    expect(await grants.heldGrantsBetween(from, from + 60_000, OTHER)).toEqual([]);
  });
});
