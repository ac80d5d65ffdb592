/**
 * @module The ledger's holds without a redemption (federation grants,
 * `spec/oct.md` §8.1), written once and run on Node (SQLite) and inside
 * workerd (a token's Durable Object): place against the face value,
 * cumulative and idempotent captures, a final capture that closes, expiry
 * counting an unreported grant fully used, and the late report that lowers
 * it; random histories never break committed + held <= face value.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatAmount, parseAmount } from "../../src/core/amount/decimal.ts";
import { tokenKeyOf } from "../../src/core/redemption/record.ts";
import type { HoldIdentity, HoldOutcome, Ledger } from "../../src/ports/ledger.ts";
import { NOW_SECONDS } from "./network.ts";

export interface HoldLedgerHarness {
  ledger: Ledger;
  /** Recovery of lapsed holds as the runtime runs it, at `now`. */
  recover(tokenKey: string, now: number): Promise<void>;
}

const NOW = NOW_SECONDS * 1000;
const UNIT = "gpu-second:h100-sxm";
let counter = 0;

async function identity(faceValue: string): Promise<HoldIdentity> {
  const token = {
    iss: "https://tokens.carrier-a.example",
    jti: `grant-${++counter}-${Math.random().toString(36).slice(2)}`,
  };
  return { tokenKey: tokenKeyOf(token), token, faceValue, unit: UNIT };
}

const holdId = (tokenKey: string, n: number) => `gr.${tokenKey}.${String(n).padStart(22, "A")}`;

const grant = (id: string, amount: string, expiresAt = NOW + 60_000) => ({
  id,
  kind: "grant" as const,
  amount,
  expiresAt,
  onExpiry: "capture" as const,
});

function done(outcome: HoldOutcome) {
  if (outcome.kind !== "done") throw new Error(`expected done, got ${JSON.stringify(outcome)}`);
  return outcome;
}

export function defineHoldLedgerSuite(make: () => Promise<HoldLedgerHarness>, numRuns: number) {
  describe("holds without a redemption: grants", () => {
    it("are placed against the face value; an id placed twice is answered, not placed again", async () => {
      const { ledger } = await make();
      const who = await identity("10");
      const first = await ledger.placeHold({
        identity: who,
        hold: grant(holdId(who.tokenKey, 1), "6"),
        now: NOW,
      });
      expect(first).toMatchObject({
        kind: "placed",
        hold: { status: "open", amount: "6", captured: "0", kind: "grant" },
        balance: { committed: "0", reserved: "6" },
      });
      expect(
        await ledger.placeHold({
          identity: who,
          hold: grant(holdId(who.tokenKey, 1), "6"),
          now: NOW,
        }),
      ).toMatchObject({ kind: "existing", hold: { id: holdId(who.tokenKey, 1) } });
      expect(
        await ledger.placeHold({
          identity: who,
          hold: grant(holdId(who.tokenKey, 2), "4.000000000000000001"),
          now: NOW,
        }),
      ).toEqual({ kind: "insufficient", balance: { committed: "0", reserved: "6" } });
      expect(
        await ledger.placeHold({
          identity: { ...who, faceValue: "11" },
          hold: grant(holdId(who.tokenKey, 3), "1"),
          now: NOW,
        }),
      ).toEqual({ kind: "mismatch", recorded: { faceValue: "10", unit: UNIT } });
      expect(
        await ledger.placeHold({
          identity: who,
          hold: grant(holdId(who.tokenKey, 2), "4"),
          now: NOW,
        }),
      ).toMatchObject({ kind: "placed", balance: { reserved: "10" } });
      expect(await ledger.balance(who.tokenKey, NOW)).toMatchObject({
        committed: "0",
        reserved: "10",
      });
    });

    it("capture cumulatively and idempotently; the final capture closes and returns the rest", async () => {
      const { ledger } = await make();
      const who = await identity("10");
      const id = holdId(who.tokenKey, 1);
      await ledger.placeHold({ identity: who, hold: grant(id, "8"), now: NOW });
      expect(await ledger.captureHold(who.tokenKey, id, "3", false, NOW)).toMatchObject({
        kind: "done",
        changed: true,
        hold: { captured: "3", status: "open" },
        balance: { committed: "3", reserved: "5" },
      });
      expect(done(await ledger.captureHold(who.tokenKey, id, "3", false, NOW)).changed).toBe(false);
      expect(await ledger.captureHold(who.tokenKey, id, "2", false, NOW)).toMatchObject({
        kind: "refused",
        refusal: "below_captured",
        hold: { captured: "3" },
      });
      expect(await ledger.captureHold(who.tokenKey, id, "8.5", false, NOW)).toMatchObject({
        kind: "refused",
        refusal: "above_amount",
      });
      expect(await ledger.captureHold(who.tokenKey, id, "5", true, NOW)).toMatchObject({
        kind: "done",
        changed: true,
        hold: { captured: "5", status: "closed", closedBy: "close" },
        balance: { committed: "5", reserved: "0" },
      });
      // The final report again: answered, nothing moves.
      expect(done(await ledger.captureHold(who.tokenKey, id, "5", true, NOW)).changed).toBe(false);
      expect(await ledger.captureHold(who.tokenKey, id, "6", true, NOW)).toMatchObject({
        kind: "refused",
        refusal: "closed",
      });
      expect(await ledger.closeHold(who.tokenKey, id, NOW)).toMatchObject({
        kind: "done",
        changed: false,
      });
      expect(await ledger.balance(who.tokenKey, NOW)).toMatchObject({
        committed: "5",
        reserved: "0",
      });
      expect(
        await ledger.captureHold(who.tokenKey, holdId(who.tokenKey, 9), "1", false, NOW),
      ).toEqual({
        kind: "unknown",
      });
    });

    it("a grant unreported at its expiry counts fully used; one late report lowers it to what was used", async () => {
      const { ledger, recover } = await make();
      const who = await identity("10");
      const id = holdId(who.tokenKey, 1);
      await ledger.placeHold({ identity: who, hold: grant(id, "8", NOW + 1000), now: NOW });
      await ledger.captureHold(who.tokenKey, id, "2", false, NOW);
      // Read at its expiry, before recovery: counted fully used (spec §8.6).
      expect(await ledger.balance(who.tokenKey, NOW + 1000)).toMatchObject({
        committed: "8",
        reserved: "0",
      });
      await recover(who.tokenKey, NOW + 1000);
      expect(await ledger.getHold(who.tokenKey, id)).toMatchObject({
        status: "closed",
        closedBy: "expiry",
        captured: "8",
        capturedBeforeExpiry: "2",
      });
      // Too late for a capture; the adjustment is what is left.
      expect(await ledger.captureHold(who.tokenKey, id, "4", true, NOW + 2000)).toMatchObject({
        kind: "refused",
        refusal: "closed",
      });
      for (const below of ["1.999999999999999999", "8.000000000000000001"]) {
        expect(await ledger.adjustHold(who.tokenKey, id, below, NOW + 2000)).toMatchObject({
          kind: "refused",
          refusal: "not_adjustable",
        });
      }
      expect(await ledger.adjustHold(who.tokenKey, id, "4", NOW + 2000)).toMatchObject({
        kind: "done",
        changed: true,
        hold: { captured: "4", adjusted: true },
        balance: { committed: "4", reserved: "0" },
      });
      expect(done(await ledger.adjustHold(who.tokenKey, id, "4", NOW + 3000)).changed).toBe(false);
      expect(await ledger.adjustHold(who.tokenKey, id, "3", NOW + 3000)).toMatchObject({
        kind: "refused",
        refusal: "not_adjustable",
      });
      expect(await ledger.balance(who.tokenKey, NOW + 3000)).toMatchObject({ committed: "4" });
    });

    it("a grant closed by its final report, or still open, is not adjustable", async () => {
      const { ledger } = await make();
      const who = await identity("10");
      const open = holdId(who.tokenKey, 1);
      const reported = holdId(who.tokenKey, 2);
      await ledger.placeHold({ identity: who, hold: grant(open, "3"), now: NOW });
      await ledger.placeHold({ identity: who, hold: grant(reported, "3"), now: NOW });
      await ledger.captureHold(who.tokenKey, reported, "3", true, NOW);
      for (const id of [open, reported]) {
        expect(await ledger.adjustHold(who.tokenKey, id, "1", NOW)).toMatchObject({
          kind: "refused",
          refusal: "not_adjustable",
        });
      }
      expect(await ledger.balance(who.tokenKey, NOW)).toMatchObject({
        committed: "3",
        reserved: "3",
      });
    });

    it("random histories of grants never commit beyond the face value, and the totals are the holds'", async () => {
      const { ledger, recover } = await make();
      const step = fc.oneof(
        fc.record({
          op: fc.constant("place" as const),
          amount: fc.integer({ min: 1, max: 7 }),
          ttl: fc.integer({ min: 1, max: 4 }),
        }),
        fc.record({
          op: fc.constant("capture" as const),
          index: fc.nat(3),
          to: fc.integer({ min: 0, max: 8 }),
          close: fc.boolean(),
        }),
        fc.record({ op: fc.constant("close" as const), index: fc.nat(3) }),
        fc.record({
          op: fc.constant("adjust" as const),
          index: fc.nat(3),
          to: fc.integer({ min: 0, max: 8 }),
        }),
        fc.record({ op: fc.constant("recover" as const), advance: fc.integer({ min: 0, max: 3 }) }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (history) => {
          const who = await identity("12");
          const ids: string[] = [];
          let now = NOW;
          for (const [n, s] of history.entries()) {
            const id = ids.length
              ? ids[("index" in s ? s.index : 0) % ids.length]!
              : holdId(who.tokenKey, 0);
            switch (s.op) {
              case "place": {
                const placed = await ledger.placeHold({
                  identity: who,
                  hold: grant(holdId(who.tokenKey, n + 1), String(s.amount), now + s.ttl * 1000),
                  now,
                });
                if (placed.kind === "placed") ids.push(placed.hold.id);
                break;
              }
              case "capture":
                await ledger.captureHold(who.tokenKey, id, String(s.to), s.close, now);
                break;
              case "close":
                await ledger.closeHold(who.tokenKey, id, now);
                break;
              case "adjust":
                await ledger.adjustHold(who.tokenKey, id, String(s.to), now);
                break;
              case "recover":
                now += s.advance * 1000;
                await recover(who.tokenKey, now);
                break;
            }
            const holds = await Promise.all(ids.map((h) => ledger.getHold(who.tokenKey, h)));
            const balance = await ledger.balance(who.tokenKey, now);
            const amount = (text: string | undefined) => parseAmount(text ?? "0")!;
            const committed = holds.reduce((total, h) => total + amount(h!.captured), 0n);
            const held = holds
              .filter((h) => h!.status === "open" && h!.expiresAt > now)
              .reduce((total, h) => total + amount(h!.amount) - amount(h!.captured), 0n);
            // Open holds lapsed at `now` read as expired: captured whole.
            const lapsed = holds
              .filter((h) => h!.status === "open" && h!.expiresAt <= now)
              .reduce((total, h) => total + amount(h!.amount) - amount(h!.captured), 0n);
            if (ids.length === 0) continue;
            expect(balance).toMatchObject({
              committed: formatAmount(committed + lapsed),
              reserved: formatAmount(held),
            });
            expect(committed + lapsed + held).toBeLessThanOrEqual(amount("12"));
            for (const h of holds)
              expect(amount(h!.captured)).toBeLessThanOrEqual(amount(h!.amount));
          }
        }),
        { numRuns },
      );
    });
  });
}
