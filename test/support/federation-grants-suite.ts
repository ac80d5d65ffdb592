/**
 * @module The home's grant decisions and usage state machine (`spec/oct.md`
 * §11.5 step 7, §11.6), and the visited gateway's allowance arithmetic
 * (§11.9), written once and run on both runtimes: each refusal with its
 * code, and the arithmetic on exact amounts.
 */
import { describe, expect, it } from "vitest";
import { parseAmount, type Atto } from "../../src/core/amount/decimal.ts";
import {
  allowanceOf,
  closeGrant,
  closeReason,
  grantAsk,
  pickGrant,
  reportDue,
  reservationExpiry,
  roomOf,
  wantsRefill,
  acknowledge,
  type HeldGrant,
} from "../../src/core/federation/held-grant.ts";
import {
  applyUsage,
  committedOf,
  countedOf,
  decideGrant,
  lapsed,
  newIssuedGrant,
  type IssuedGrant,
} from "../../src/core/federation/issued-grant.ts";
import { DEFAULT_FEDERATION } from "../../src/core/network/peers.ts";

const $ = (text: string): Atto => parseAmount(text)!;
const NOW = 1_900_000_000_000;
const settings = DEFAULT_FEDERATION;

function codeOf(run: () => unknown): string {
  try {
    run();
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** A grant of 400 issued at NOW, open, nothing reported. */
const issued = (): IssuedGrant =>
  newIssuedGrant("gt.1", "https://gw.carrier-b.example", {
    amount: $("400"),
    validUntil: NOW + 300_000,
    reportBy: NOW + 600_000,
  });

const held = (changes: Partial<HeldGrant> = {}): HeldGrant => ({
  id: "gt.1",
  amount: $("400"),
  validUntil: NOW + 300_000,
  reportBy: NOW + 600_000,
  committed: 0n,
  reserved: 0n,
  lastDrawnAt: NOW,
  status: "open",
  acknowledged: { seq: 0, used: 0n },
  ...changes,
});

export function defineFederationGrantSuite(): void {
  describe("the home's grants (spec §11.5, §11.6)", () => {
    it("grants min(asked, available), until grant_ttl_seconds or the token's exp, in whole seconds", () => {
      const ask = { amount: $("400"), minAmount: $("40") };
      expect(decideGrant(ask, $("1000.5"), NOW + 250, NOW + 3_600_000, settings)).toEqual({
        amount: $("400"),
        validUntil: NOW + 300_000,
        reportBy: NOW + 600_000,
      });
      const short = decideGrant(ask, $("40.000000000000000001"), NOW, NOW + 120_500, settings);
      expect(short).toEqual({
        amount: $("40.000000000000000001"),
        validUntil: NOW + 120_000,
        reportBy: NOW + 420_000,
      });
    });

    it("refuses below min_amount with insufficient_balance, and a token at its exp with token_expired", () => {
      const ask = { amount: $("400"), minAmount: $("40") };
      expect(
        codeOf(() => decideGrant(ask, $("39.999999999999999999"), NOW, NOW + 1e6, settings)),
      ).toBe("insufficient_balance");
      expect(codeOf(() => decideGrant(ask, 0n, NOW, NOW + 1e6, settings))).toBe(
        "insufficient_balance",
      );
      expect(codeOf(() => decideGrant(ask, $("400"), NOW, NOW + 999, settings))).toBe(
        "token_expired",
      );
    });

    it("applies cumulative reports, answers a replay as it is, and closes on the final one", () => {
      let grant = issued();
      const first = applyUsage(grant, { seq: 1, used: $("40"), final: false });
      expect(first.kind).toBe("applied");
      grant = first.grant;
      expect([countedOf(grant), committedOf(grant)]).toEqual([$("400"), $("40")]);
      expect(applyUsage(grant, { seq: 1, used: $("40"), final: false })).toEqual({
        kind: "replay",
        grant,
      });
      grant = applyUsage(grant, { seq: 3, used: $("120.5"), final: true }).grant;
      expect(grant.status).toBe("closed");
      expect([countedOf(grant), committedOf(grant)]).toEqual([$("120.5"), $("120.5")]);
      expect(applyUsage(grant, { seq: 3, used: $("120.5"), final: true }).kind).toBe("replay");
    });

    const refusals: [
      string,
      (grant: IssuedGrant) => IssuedGrant,
      number,
      string,
      boolean,
      string,
    ][] = [
      ["used above the grant", (g) => g, 1, "400.000000000000000001", false, "usage_invalid"],
      [
        "used below an earlier report",
        (g) => applyUsage(g, { seq: 1, used: $("50"), final: false }).grant,
        2,
        "49",
        false,
        "usage_invalid",
      ],
      [
        "an older sequence number (a replayed report)",
        (g) => applyUsage(g, { seq: 2, used: $("50"), final: false }).grant,
        1,
        "40",
        false,
        "usage_conflict",
      ],
      [
        "the last sequence number with other content",
        (g) => applyUsage(g, { seq: 2, used: $("50"), final: false }).grant,
        2,
        "51",
        false,
        "usage_conflict",
      ],
      [
        "a report after the final one",
        (g) => applyUsage(g, { seq: 1, used: $("50"), final: true }).grant,
        2,
        "60",
        true,
        "usage_conflict",
      ],
      [
        "a report that is not final after report_by",
        (g) => lapsed(g, NOW + 600_000),
        1,
        "40",
        false,
        "grant_lapsed",
      ],
    ];
    it.each(refusals)("refuses %s, changing nothing", (_, before, seq, used, final, code) => {
      const grant = before(issued());
      const copy = structuredClone(grant);
      expect(codeOf(() => applyUsage(grant, { seq, used: $(used), final }))).toBe(code);
      expect(grant).toEqual(copy);
    });

    it("lapses at report_by, counted as fully used; a late final report returns the difference", () => {
      const grant = applyUsage(issued(), { seq: 1, used: $("40"), final: false }).grant;
      expect(lapsed(grant, NOW + 599_999)).toBe(grant);
      const gone = lapsed(grant, NOW + 600_000);
      expect([gone.status, countedOf(gone), committedOf(gone)]).toEqual([
        "lapsed",
        $("400"),
        $("400"),
      ]);
      const late = applyUsage(gone, { seq: 2, used: $("90"), final: true }).grant;
      expect([late.status, countedOf(late)]).toEqual(["closed", $("90")]);
      // A closed grant never lapses.
      expect(lapsed(late, NOW + 10_000_000)).toBe(late);
    });
  });

  describe("the visited gateway's allowance (spec §11.9)", () => {
    it("asks for the debit times prefetch_factor, never above the face value, at least the debit", () => {
      expect(grantAsk($("40"), $("1000.5"), { prefetch_factor: 10 })).toEqual({
        amount: $("400"),
        minAmount: $("40"),
      });
      expect(grantAsk($("0.3"), $("1"), { prefetch_factor: 10 })).toEqual({
        amount: $("1"),
        minAmount: $("0.3"),
      });
      expect(grantAsk($("40"), $("1000.5"), { prefetch_factor: 1 }).amount).toBe($("40"));
    });

    it("draws on the drawable grant that lapses first, with room for the debit", () => {
      const a = held({ id: "a", validUntil: NOW + 200_000, committed: $("390") });
      const b = held({ id: "b", validUntil: NOW + 250_000 });
      const c = held({ id: "c", validUntil: NOW + 100_000 });
      const d = held({ id: "d", validUntil: NOW + 50_000, status: "closing" });
      expect(pickGrant([a, b, c, d], $("10"), NOW, 0)?.id).toBe("c");
      expect(pickGrant([a, b, c, d], $("10.000000000000000001"), NOW, 0)?.id).toBe("c");
      // c is too close to its valid_until for a 100 s provider timeout.
      expect(pickGrant([a, b, c, d], $("10"), NOW, 100_000)?.id).toBe("a");
      expect(pickGrant([a, b, c, d], $("400.1"), NOW, 0)).toBeUndefined();
      expect(allowanceOf([a, b, c, d], NOW, 0)).toBe($("810"));
      expect(roomOf(held({ committed: $("1.5"), reserved: $("0.25") }))).toBe($("398.25"));
      expect(reservationExpiry(c, NOW, 60_000)).toBe(NOW + 60_000);
      expect(reservationExpiry(c, NOW + 70_000, 60_000)).toBe(NOW + 100_000);
    });

    it("asks early below refill_below_debits", () => {
      expect(wantsRefill($("79"), $("40"), { refill_below_debits: 2 })).toBe(true);
      expect(wantsRefill($("80"), $("40"), { refill_below_debits: 2 })).toBe(false);
      expect(wantsRefill(0n, $("40"), { refill_below_debits: 0 })).toBe(false);
    });

    it("reports on the threshold, closes when expired, exhausted or idle, never with reservations in flight", () => {
      expect(
        reportDue(held({ committed: $("199") }), { report_threshold_percent: 50 }),
      ).toBeUndefined();
      expect(reportDue(held({ committed: $("200") }), { report_threshold_percent: 50 })).toEqual({
        seq: 1,
        used: $("200"),
        final: false,
      });
      const reported = held({ committed: $("300"), acknowledged: { seq: 1, used: $("200") } });
      expect(reportDue(reported, { report_threshold_percent: 50 })).toBeUndefined();
      const one = { idle_release_seconds: 60 };
      expect(closeReason(held(), NOW + 300_000, $("1"), one)).toBe("expired");
      expect(closeReason(held({ committed: $("399.5") }), NOW, $("1"), one)).toBe("exhausted");
      expect(closeReason(held(), NOW + 60_000, $("1"), one)).toBe("idle");
      expect(closeReason(held(), NOW + 59_999, $("1"), one)).toBeUndefined();
      expect(closeReason(held({ reserved: $("1") }), NOW + 300_000, $("1"), one)).toBeUndefined();
    });

    it("a closed grant's final report is retried as it is until acknowledged", () => {
      const closing = closeGrant(
        held({ committed: $("120"), acknowledged: { seq: 2, used: $("100") } }),
      );
      expect(closing.status).toBe("closing");
      expect(reportDue(closing, settings)).toEqual({ seq: 3, used: $("120"), final: true });
      expect(reportDue(closing, settings)).toEqual(closing.pending);
      const closed = acknowledge(closing, closing.pending!);
      expect([closed.status, closed.pending, reportDue(closed, settings)]).toEqual([
        "closed",
        undefined,
        undefined,
      ]);
    });
  });
}
