import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  divideBy,
  formatAmount,
  isRepresentable,
  multiply,
  parseAmount,
  parsePositiveAmount,
} from "./decimal.ts";

const SCALE = 10n ** 18n;
const LIMIT = 10n ** 48n;
const atto = fc.bigInt({ min: 0n, max: LIMIT - 1n });
const positiveAtto = fc.bigInt({ min: 1n, max: LIMIT - 1n });

/** The grammar of spec/oct.md §3.1, as an independent generator of valid text. */
const canonicalText = fc
  .tuple(
    fc.oneof(
      fc.constant("0"),
      fc
        .tuple(
          fc.integer({ min: 1, max: 9 }),
          fc.string({ unit: fc.constantFrom(..."0123456789"), maxLength: 29 }),
        )
        .map(([head, tail]) => `${head}${tail}`),
    ),
    fc.option(
      fc
        .tuple(
          fc.string({ unit: fc.constantFrom(..."0123456789"), maxLength: 17 }),
          fc.integer({ min: 1, max: 9 }),
        )
        .map(([body, last]) => `${body}${last}`),
      { nil: undefined },
    ),
  )
  .map(([whole, fraction]) => (fraction === undefined ? whole : `${whole}.${fraction}`));

describe("parseAmount / formatAmount", () => {
  it("reads the worked examples of the spec", () => {
    expect(parseAmount("0")).toBe(0n);
    expect(parseAmount("1000.5")).toBe(1000n * SCALE + SCALE / 2n);
    expect(parseAmount("0.000000000000000001")).toBe(1n);
    expect(parseAmount("999999999999999999999999999999.999999999999999999")).toBe(LIMIT - 1n);
  });

  it.each([
    ["leading zero", "01"],
    ["trailing fractional zero", "1.50"],
    ["exponent", "1e3"],
    ["sign", "-1"],
    ["plus sign", "+1"],
    ["bare leading point", ".5"],
    ["bare trailing point", "1."],
    ["31 integer digits", "1" + "0".repeat(30)],
    ["19 fraction digits", "0." + "0".repeat(18) + "1"],
    ["zero with fraction zeros", "0.0"],
    ["whitespace", " 1"],
    ["empty", ""],
    ["Arabic-Indic digits", "١"],
  ])("refuses %s (%j)", (_, text) => {
    expect(parseAmount(text)).toBeUndefined();
  });

  it("refuses values that are not strings", () => {
    for (const value of [1, 1n, null, undefined, {}, ["1"]])
      expect(parseAmount(value)).toBeUndefined();
  });

  it("parsePositiveAmount refuses zero and accepts the smallest unit", () => {
    expect(parsePositiveAmount("0")).toBeUndefined();
    expect(parsePositiveAmount("0.000000000000000001")).toBe(1n);
  });

  it("round-trips every representable amount through its canonical text", () => {
    fc.assert(
      fc.property(atto, (value) => {
        const text = formatAmount(value);
        expect(parseAmount(text)).toBe(value);
        expect(isRepresentable(value)).toBe(true);
      }),
    );
  });

  it("accepts every string of the grammar and formats it back unchanged", () => {
    fc.assert(
      fc.property(canonicalText, (text) => {
        const value = parseAmount(text);
        expect(value).toBeDefined();
        expect(formatAmount(value!)).toBe(text);
      }),
    );
  });

  it("refuses any string outside the grammar", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(..."0123456789.-+e "), maxLength: 52 }),
        (text) => {
          const inGrammar = /^(0|[1-9][0-9]{0,29})(\.[0-9]{0,17}[1-9])?$/.test(text);
          expect(parseAmount(text) !== undefined).toBe(inGrammar);
        },
      ),
    );
  });

  it("never formats a negative or oversized amount", () => {
    expect(() => formatAmount(-1n)).toThrow(RangeError);
    expect(() => formatAmount(LIMIT)).toThrow(RangeError);
  });
});

describe("multiply / divideBy", () => {
  it("rounds in the direction asked", () => {
    const third = divideBy(SCALE, 3n * SCALE, "floor");
    expect(formatAmount(third)).toBe("0.333333333333333333");
    expect(formatAmount(divideBy(SCALE, 3n * SCALE, "ceil"))).toBe("0.333333333333333334");
    expect(formatAmount(multiply(1n, parseAmount("0.3")!, "floor"))).toBe("0");
    expect(formatAmount(multiply(1n, parseAmount("0.3")!, "ceil"))).toBe("0.000000000000000001");
  });

  it("floor ≤ exact ≤ ceil, and they differ by at most one atto-unit", () => {
    fc.assert(
      fc.property(atto, positiveAtto, (a, b) => {
        const down = multiply(a, b, "floor");
        const up = multiply(a, b, "ceil");
        expect(down * SCALE <= a * b).toBe(true);
        expect(up * SCALE >= a * b).toBe(true);
        expect(up - down <= 1n).toBe(true);
        const qDown = divideBy(a, b, "floor");
        const qUp = divideBy(a, b, "ceil");
        expect(qDown * b <= a * SCALE).toBe(true);
        expect(qUp * b >= a * SCALE).toBe(true);
        expect(qUp - qDown <= 1n).toBe(true);
      }),
    );
  });

  it("refuses division by zero", () => {
    expect(() => divideBy(1n, 0n, "floor")).toThrow(RangeError);
  });
});
