import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { creditFor, debitFor } from "./convert.ts";
import { formatAmount, parseAmount, type Atto } from "./decimal.ts";

const SCALE = 10n ** 18n;
const amount = (text: string): Atto => parseAmount(text)!;
const positive = fc.bigInt({ min: 1n, max: 10n ** 36n });
const rate = fc.oneof(
  fc.bigInt({ min: 1n, max: 10n ** 24n }),
  fc.constantFrom(amount("2.5"), amount("3"), amount("0.3"), amount("1"), amount("1.5")),
);

describe("the rounding rule (spec/oct.md §3.3)", () => {
  it.each([
    // [credit, rate, expected debit]
    ["100", "2.5", "40"],
    ["1", "3", "0.333333333333333334"],
    ["0.000000000000000001", "1.5", "0.000000000000000001"],
    ["10", "0.7", "14.285714285714285715"],
    ["1", "1", "1"],
  ])("credit %s at rate %s costs a debit of %s", (credit, r, debit) => {
    expect(formatAmount(debitFor(amount(credit), amount(r)))).toBe(debit);
  });

  it.each([
    // [debit, rate, expected credit]
    ["40", "2.5", "100"],
    ["0.333333333333333334", "3", "1.000000000000000002"],
    ["0.000000000000000001", "0.3", "0"],
    ["1000.5", "2.5", "2501.25"],
  ])("a debit of %s at rate %s buys a credit of %s", (debit, r, credit) => {
    expect(formatAmount(creditFor(amount(debit), amount(r)))).toBe(credit);
  });

  it("never favours the holder: debit × rate ≥ credit, exactly", () => {
    fc.assert(
      fc.property(positive, rate, (credit, r) => {
        const debit = debitFor(credit, r);
        expect(debit * r >= credit * SCALE).toBe(true);
        expect(debit > 0n).toBe(true);
        // and the debit is the least that pays: one atto-unit less does not
        expect((debit - 1n) * r < credit * SCALE).toBe(true);
      }),
    );
  });

  it("a round trip credit → debit → credit never yields less than asked, nor debit → credit → debit more than paid", () => {
    fc.assert(
      fc.property(positive, rate, (value, r) => {
        expect(creditFor(debitFor(value, r), r) >= value).toBe(true);
        expect(debitFor(creditFor(value, r), r) <= value).toBe(true);
      }),
    );
  });
});
