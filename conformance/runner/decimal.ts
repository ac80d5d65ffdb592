/**
 * @module Exact sums of OCT amounts (spec §3: canonical decimal strings, at
 * most 18 fraction digits), for the runner's own totals of a settlement
 * report: integers scaled by 10^18, never a JS number. Written apart from
 * the gateway's arithmetic on purpose.
 */
const SCALE = 10n ** 18n;
const AMOUNT = /^(0|[1-9][0-9]*)(?:\.([0-9]{1,18}))?$/;

/** The scaled integer of a canonical amount string. */
export function parseAmount(text: string): bigint {
  const match = AMOUNT.exec(text);
  if (!match) throw new Error(`not an amount: ${JSON.stringify(text)}`);
  return BigInt(match[1]!) * SCALE + BigInt((match[2] ?? "").padEnd(18, "0"));
}

/** The canonical string of a scaled integer: no trailing zeros, no bare point. */
export function formatAmount(value: bigint): string {
  const whole = value / SCALE;
  const fraction = (value % SCALE).toString().padStart(18, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

/** The exact sum of amount strings, as a canonical amount. */
export const sumAmounts = (amounts: readonly string[]) =>
  formatAmount(amounts.reduce((sum, amount) => sum + parseAmount(amount), 0n));
