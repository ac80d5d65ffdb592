/**
 * @module The one rounding rule of `spec/oct.md` §3.3: conversions are exact,
 * then rounded to 18 fraction digits against the holder, so `debit × rate ≥
 * credit` always holds and every implementation gets the same digits.
 */
import { divideBy, multiply, type Atto } from "./decimal.ts";

/**
 * The debit, in the token's unit, that buys `credit` provider units at
 * `rate` (1 token unit = `rate` provider units). Rounded up.
 *
 * @example
 * debitFor(parseAmount("1")!, parseAmount("3")!) // 0.333333333333333334
 */
export function debitFor(credit: Atto, rate: Atto): Atto {
  return divideBy(credit, rate, "ceil");
}

/**
 * The credit, in the provider's unit, that `debit` token units buy at
 * `rate`. Rounded down.
 *
 * @example
 * creditFor(parseAmount("40")!, parseAmount("2.5")!) // 100
 */
export function creditFor(debit: Atto, rate: Atto): Atto {
  return multiply(debit, rate, "floor");
}
