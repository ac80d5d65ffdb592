/**
 * @module Exact decimal amounts (`spec/oct.md` §3). An amount travels as a
 * canonical decimal string and is held inside as a bigint count of 10^-18
 * (atto-units), so no JS number ever touches money or compute.
 */

/** Digits after the point that every amount may carry (`spec/oct.md` §3.1). */
export const FRACTION_DIGITS = 18;
/** Digits before the point that every amount may carry. */
export const INTEGER_DIGITS = 30;

const SCALE = 10n ** BigInt(FRACTION_DIGITS);
/** One more than the largest representable amount, in atto-units. */
const LIMIT = 10n ** BigInt(INTEGER_DIGITS + FRACTION_DIGITS);

/** An amount in atto-units (value × 10^18). Never negative. */
export type Atto = bigint;

// The canonical grammar: no sign, no exponent, no leading zeros, no trailing
// fractional zeros. One spelling per value keeps signatures, idempotency
// hashes and comparisons byte-exact.
const CANONICAL = /^(0|[1-9][0-9]{0,29})(?:\.([0-9]{0,17}[1-9]))?$/;

/**
 * Parses a canonical decimal string; `undefined` when the text is not one.
 *
 * @example
 * parseAmount("2.5") // 2500000000000000000n
 */
export function parseAmount(text: unknown): Atto | undefined {
  if (typeof text !== "string") return undefined;
  const match = CANONICAL.exec(text);
  if (!match) return undefined;
  const fraction = (match[2] ?? "").padEnd(FRACTION_DIGITS, "0");
  return BigInt(match[1]!) * SCALE + BigInt(fraction);
}

/** Like {@link parseAmount}, but only values greater than zero. */
export function parsePositiveAmount(text: unknown): Atto | undefined {
  const value = parseAmount(text);
  return value !== undefined && value > 0n ? value : undefined;
}

/**
 * The canonical decimal string of an amount.
 *
 * @example
 * formatAmount(2500000000000000000n) // "2.5"
 */
export function formatAmount(value: Atto): string {
  if (value < 0n) throw new RangeError("amounts are never negative");
  if (value >= LIMIT) throw new RangeError("amount exceeds 30 integer digits");
  const whole = value / SCALE;
  const fraction = (value % SCALE).toString().padStart(FRACTION_DIGITS, "0").replace(/0+$/, "");
  return fraction.length > 0 ? `${whole}.${fraction}` : whole.toString();
}

/** Whether an amount fits the grammar's 30 integer digits. */
export function isRepresentable(value: Atto): boolean {
  return value >= 0n && value < LIMIT;
}

export type Rounding = "floor" | "ceil";

function divide(numerator: bigint, denominator: bigint, rounding: Rounding): bigint {
  const quotient = numerator / denominator;
  return rounding === "ceil" && quotient * denominator !== numerator ? quotient + 1n : quotient;
}

/** `a × b`, rounded to 18 fraction digits in the given direction. */
export function multiply(a: Atto, b: Atto, rounding: Rounding): Atto {
  return divide(a * b, SCALE, rounding);
}

/** `a ÷ b` (b > 0), rounded to 18 fraction digits in the given direction. */
export function divideBy(a: Atto, b: Atto, rounding: Rounding): Atto {
  if (b <= 0n) throw new RangeError("division by a non-positive amount");
  return divide(a * SCALE, b, rounding);
}

/** Sum of amounts. */
export function sum(values: Iterable<Atto>): Atto {
  let total = 0n;
  for (const value of values) total += value;
  return total;
}
