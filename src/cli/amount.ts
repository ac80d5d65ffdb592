/**
 * @module Amounts given on the command line, checked before anything is
 * signed or sent: the canonical decimal of `spec/oct.md` §3, and for a
 * number written another way (`1.50`, `1e3`, `+5`, `.5`) the spelling to
 * write instead. String arithmetic only: no JS number ever holds an amount.
 */
import { FRACTION_DIGITS, INTEGER_DIGITS, parsePositiveAmount } from "../core/amount/decimal.ts";
import { UsageError } from "./command.ts";

// A plain or scientific decimal: optional sign, digits with an optional
// point, an optional exponent of at most three digits.
const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?$/;

/**
 * The canonical spelling of a decimal number written another way, or
 * `undefined` when the text is not a number at all.
 *
 * @example
 * canonicalSpelling("1.50") // "1.5"
 * canonicalSpelling("1e3")  // "1000"
 * canonicalSpelling("-2.0") // "-2"
 */
export function canonicalSpelling(text: string): string | undefined {
  const match = NUMBER.exec(text);
  if (!match) return undefined;
  const whole = match[2] ?? "";
  const fraction = match[3] ?? "";
  if (whole === "" && fraction === "") return undefined;
  let digits = whole + fraction;
  let point = whole.length + Number(match[4] ?? "0");
  if (point < 0) {
    digits = "0".repeat(-point) + digits;
    point = 0;
  }
  digits = digits.padEnd(point, "0");
  const integer = digits.slice(0, point).replace(/^0+/, "") || "0";
  const decimals = digits.slice(point).replace(/0+$/, "");
  const value = decimals ? `${integer}.${decimals}` : integer;
  return match[1] === "-" && value !== "0" ? `-${value}` : value;
}

/**
 * The value of `--name` when it is a positive canonical decimal; otherwise a
 * usage error that says what to write.
 */
export function positiveAmountOption(name: string, text: string): string {
  if (parsePositiveAmount(text) !== undefined) return text;
  const spelled = canonicalSpelling(text);
  const [integer = "", decimals = ""] = spelled?.split(".") ?? [];
  let why: string;
  if (spelled === undefined) why = "is not a decimal number (e.g. 100 or 0.5)";
  else if (spelled === "0" || spelled.startsWith("-")) why = "must be greater than zero";
  else if (integer.length > INTEGER_DIGITS)
    why = `has more than ${INTEGER_DIGITS} digits before the point`;
  else if (decimals.length > FRACTION_DIGITS)
    why = `has more than ${FRACTION_DIGITS} digits after the point`;
  else why = `is not how amounts are written (no sign, exponent or extra zeros): write ${spelled}`;
  throw new UsageError(`--${name} ${text} ${why}`);
}
