import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  adjust,
  available,
  capture,
  captureAndClose,
  checkAccount,
  close,
  expire,
  place,
  type Account,
  type Hold,
  type HoldKind,
  type HoldStep,
  type OnExpiry,
} from "./hold.ts";

const UNIT = 10n ** 18n;
const fresh = (face: bigint): Account => ({ faceValue: face, committed: 0n, held: 0n });

function placed(
  account: Account,
  amount: bigint,
  onExpiry: OnExpiry = "release",
  kind: HoldKind = "grant",
) {
  const step = place(account, { id: "h", kind, amount, expiresAt: 1000, onExpiry });
  if (!step.ok) throw new Error(step.refusal);
  return step;
}

const okOf = (step: HoldStep) => {
  if (!step.ok) throw new Error(`refused: ${step.refusal}`);
  return step;
};

describe("one hold, step by step", () => {
  it("place is refused beyond the face value, and exactly the rest fits", () => {
    const account = fresh(10n * UNIT);
    const first = placed(account, 4n * UNIT);
    expect(first.account).toEqual({ faceValue: 10n * UNIT, committed: 0n, held: 4n * UNIT });
    expect(
      place(first.account, {
        id: "b",
        kind: "redemption",
        amount: 6n * UNIT + 1n,
        expiresAt: 1,
        onExpiry: "release",
      }),
    ).toEqual({ ok: false, refusal: "insufficient" });
    const rest = place(first.account, {
      id: "b",
      kind: "redemption",
      amount: 6n * UNIT,
      expiresAt: 1,
      onExpiry: "release",
    });
    expect(rest.ok && available(rest.account)).toBe(0n);
  });

  it("capture is cumulative, monotone and idempotent; above the amount or below the captured it is refused", () => {
    const { account, hold } = placed(fresh(10n * UNIT), 5n * UNIT);
    const two = okOf(capture(account, hold, 2n * UNIT));
    expect(two.account).toMatchObject({ committed: 2n * UNIT, held: 3n * UNIT });
    const again = okOf(capture(two.account, two.hold, 2n * UNIT));
    expect(again).toMatchObject({ changed: false, account: two.account, hold: two.hold });
    expect(capture(two.account, two.hold, UNIT)).toEqual({ ok: false, refusal: "below_captured" });
    expect(capture(two.account, two.hold, 5n * UNIT + 1n)).toEqual({
      ok: false,
      refusal: "above_amount",
    });
    const closed = okOf(close(two.account, two.hold));
    expect(closed.account).toEqual({ faceValue: 10n * UNIT, committed: 2n * UNIT, held: 0n });
    expect(closed.hold).toMatchObject({ status: "closed", closedBy: "close", captured: 2n * UNIT });
    expect(capture(closed.account, closed.hold, 2n * UNIT)).toEqual({
      ok: false,
      refusal: "closed",
    });
    expect(okOf(close(closed.account, closed.hold)).changed).toBe(false);
  });

  it("captureAndClose commits the total and returns the rest; the same again is a no-op, another is refused", () => {
    const { account, hold } = placed(fresh(10n * UNIT), 5n * UNIT);
    const done = okOf(captureAndClose(account, hold, 3n * UNIT));
    expect(done.account).toEqual({ faceValue: 10n * UNIT, committed: 3n * UNIT, held: 0n });
    expect(done.hold).toMatchObject({ status: "closed", closedBy: "close", captured: 3n * UNIT });
    expect(okOf(captureAndClose(done.account, done.hold, 3n * UNIT)).changed).toBe(false);
    expect(captureAndClose(done.account, done.hold, 2n * UNIT)).toEqual({
      ok: false,
      refusal: "closed",
    });
    expect(captureAndClose(account, hold, 6n * UNIT)).toEqual({
      ok: false,
      refusal: "above_amount",
    });
  });

  it("expiry releases a release hold and captures a capture hold whole", () => {
    const account = fresh(10n * UNIT);
    const a = placed(account, 3n * UNIT, "release");
    const b = placed(a.account, 4n * UNIT, "capture");
    const partly = okOf(capture(b.account, b.hold, UNIT));
    const holds = [a.hold, partly.hold];
    expect(expire(partly.account, holds, 999).expired).toEqual([]);
    const { account: after, expired } = expire(partly.account, holds, 1000);
    expect(after).toEqual({ faceValue: 10n * UNIT, committed: 4n * UNIT, held: 0n });
    expect(expired).toEqual([
      { ...a.hold, status: "closed", closedBy: "expiry" },
      {
        ...partly.hold,
        captured: 4n * UNIT,
        status: "closed",
        closedBy: "expiry",
        capturedBeforeExpiry: UNIT,
      },
    ]);
  });

  it("a grant closed by expiry takes one late report down to what it reports, no lower than its earlier captures", () => {
    const { account, hold } = placed(fresh(10n * UNIT), 4n * UNIT, "capture");
    const partly = okOf(capture(account, hold, UNIT));
    const { account: after, expired } = expire(partly.account, [partly.hold], 1000);
    const grant = expired[0]!;
    expect(adjust(after, grant, UNIT - 1n)).toEqual({ ok: false, refusal: "not_adjustable" });
    expect(adjust(after, grant, 4n * UNIT + 1n)).toEqual({ ok: false, refusal: "not_adjustable" });
    const adjusted = okOf(adjust(after, grant, 2n * UNIT));
    expect(adjusted.account).toEqual({ faceValue: 10n * UNIT, committed: 2n * UNIT, held: 0n });
    expect(adjusted.hold).toMatchObject({ captured: 2n * UNIT, adjusted: true });
    expect(okOf(adjust(adjusted.account, adjusted.hold, 2n * UNIT)).changed).toBe(false);
    expect(adjust(adjusted.account, adjusted.hold, 3n * UNIT)).toEqual({
      ok: false,
      refusal: "not_adjustable",
    });
  });

  it("only grants closed by expiry can be adjusted", () => {
    const redemption = placed(fresh(10n * UNIT), 4n * UNIT, "capture", "redemption");
    const expiredRedemption = expire(redemption.account, [redemption.hold], 1000);
    expect(adjust(expiredRedemption.account, expiredRedemption.expired[0]!, 0n).ok).toBe(false);
    const grant = placed(fresh(10n * UNIT), 4n * UNIT, "capture");
    expect(adjust(grant.account, grant.hold, 0n).ok).toBe(false); // still open
    const closed = okOf(close(grant.account, grant.hold));
    expect(adjust(closed.account, closed.hold, 0n).ok).toBe(false); // closed by its final report
    const released = placed(fresh(10n * UNIT), 4n * UNIT, "release");
    const lapsed = expire(released.account, [released.hold], 1000);
    expect(adjust(lapsed.account, lapsed.expired[0]!, 0n).ok).toBe(false);
  });

  it("checkAccount refuses a broken account", () => {
    expect(() => checkAccount({ faceValue: 1n, committed: 1n, held: 1n })).toThrow(/broken/);
    expect(() => checkAccount({ faceValue: 1n, committed: -1n, held: 0n })).toThrow(/broken/);
    expect(() => checkAccount({ faceValue: 2n, committed: 1n, held: 1n })).not.toThrow();
  });
});

/** A step of a random history, on the hold at `index` (modulo the holds placed). */
type Op =
  | {
      op: "place";
      amount: bigint | "rest-1" | "rest" | "rest+1";
      ttl: number;
      onExpiry: OnExpiry;
      kind: HoldKind;
    }
  | { op: "capture"; index: number; to: Target }
  | { op: "close"; index: number }
  | { op: "captureAndClose"; index: number; to: Target }
  | { op: "expire"; advance: number }
  | { op: "adjust"; index: number; to: Target };

/** A total near one of the hold's landmarks, or a share of its amount. */
interface Target {
  anchor: "captured" | "amount" | "floor" | "share";
  delta: bigint;
  permille: number;
}

const target = fc.record({
  anchor: fc.constantFrom<Target["anchor"]>("captured", "amount", "floor", "share"),
  delta: fc.bigInt({ min: -2n, max: 2n }),
  permille: fc.integer({ min: 0, max: 1000 }),
});

function totalFor(hold: Hold, to: Target): bigint {
  const base = {
    captured: hold.captured,
    amount: hold.amount,
    floor: hold.capturedBeforeExpiry ?? 0n,
    share: (hold.amount * BigInt(to.permille)) / 1000n,
  }[to.anchor];
  const total = base + to.delta;
  return total < 0n ? 0n : total;
}

const FACE = 100n * UNIT;

const ops = fc.array(
  fc.oneof(
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant("place" as const),
        // Any share of the face value, a few atto-units, or what is available give or take one.
        amount: fc.oneof(
          fc.bigInt({ min: 1n, max: FACE / 2n }),
          fc.bigInt({ min: 1n, max: 3n }),
          fc.constantFrom("rest-1", "rest", "rest+1"),
        ),
        ttl: fc.integer({ min: 1, max: 30 }),
        onExpiry: fc.constantFrom<OnExpiry>("release", "capture"),
        kind: fc.constantFrom<HoldKind>("redemption", "authorization", "grant", "grant"),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({ op: fc.constant("capture" as const), index: fc.nat(2), to: target }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("close" as const), index: fc.nat(2) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant("captureAndClose" as const),
        index: fc.nat(2),
        to: target,
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant("expire" as const),
        advance: fc.integer({ min: 0, max: 20 }),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({ op: fc.constant("adjust" as const), index: fc.nat(2), to: target }),
    },
  ),
  { maxLength: 60 },
);

describe("the hold state machine under random histories", () => {
  it("never breaks committed + held <= face value, 0 <= captured <= amount, the totals, or a closed hold", () => {
    fc.assert(
      fc.property(ops, (history: Op[]) => {
        let account = fresh(FACE);
        let now = 0;
        const holds: Hold[] = [];
        const pick = (index: number) => (holds.length ? index % holds.length : -1);
        for (const [n, step] of history.entries()) {
          const before = holds.map((hold) => ({ ...hold }));
          let adjustedAt = -1;
          switch (step.op) {
            case "place": {
              const rest = available(account);
              const amount =
                typeof step.amount === "bigint"
                  ? step.amount
                  : { "rest-1": rest - 1n, rest, "rest+1": rest + 1n }[step.amount];
              if (amount <= 0n) break;
              const result = place(account, {
                id: `h${n}`,
                kind: step.kind,
                amount,
                expiresAt: now + step.ttl,
                onExpiry: step.onExpiry,
              });
              if (result.ok) {
                account = result.account;
                holds.push(result.hold);
              } else {
                expect(result.refusal).toBe("insufficient");
                expect(amount).toBeGreaterThan(rest);
              }
              break;
            }
            case "expire": {
              now += step.advance;
              const result = expire(account, holds, now);
              account = result.account;
              for (const hold of result.expired)
                holds[holds.findIndex((h) => h.id === hold.id)] = hold;
              break;
            }
            default: {
              // A step on one hold already placed.
              const i = pick(step.index);
              if (i < 0) break;
              const hold = holds[i]!;
              const result =
                step.op === "close"
                  ? close(account, hold)
                  : { capture, captureAndClose, adjust }[step.op](
                      account,
                      hold,
                      totalFor(hold, step.to),
                    );
              if (!result.ok) break;
              if (step.op === "adjust" && result.changed) adjustedAt = i;
              account = result.account;
              holds[i] = result.hold;
            }
          }

          // committed + held <= face value, and neither total negative.
          expect(() => checkAccount(account)).not.toThrow();
          // The totals are what the holds say.
          expect(account.committed).toBe(holds.reduce((total, h) => total + h.captured, 0n));
          expect(account.held).toBe(
            holds
              .filter((h) => h.status === "open")
              .reduce((total, h) => total + h.amount - h.captured, 0n),
          );
          for (const [i, hold] of holds.entries()) {
            expect(hold.captured >= 0n && hold.captured <= hold.amount).toBe(true);
            const earlier = before[i];
            // Captures only grow, but for the grant adjustment below.
            if (earlier && i !== adjustedAt) {
              expect(hold.captured).toBeGreaterThanOrEqual(earlier.captured);
            }
            if (earlier?.status !== "closed") continue;
            if (i === adjustedAt) {
              // The grant adjustment: a grant closed by expiry, lowered once, nothing else.
              expect(earlier).toMatchObject({
                kind: "grant",
                closedBy: "expiry",
                onExpiry: "capture",
              });
              expect(earlier.adjusted).toBeFalsy();
              expect(hold.captured).toBeLessThanOrEqual(earlier.captured);
              expect(hold.captured).toBeGreaterThanOrEqual(earlier.capturedBeforeExpiry ?? 0n);
              expect({ ...hold, captured: 0n, adjusted: false }).toEqual({
                ...earlier,
                captured: 0n,
                adjusted: false,
              });
            } else {
              // Closed holds never change.
              expect(hold).toEqual(earlier);
            }
          }
          // Expired holds never stay open.
          for (const hold of holds) {
            if (step.op === "expire" && hold.status === "open") {
              expect(hold.expiresAt).toBeGreaterThan(now);
            }
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
