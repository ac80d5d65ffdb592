/**
 * @module A token's balance (`spec/oct.md` §8.6): face value, committed,
 * reserved, remaining, all in the token's unit.
 */
import { formatAmount, parseAmount, parsePositiveAmount } from "../amount/decimal.ts";
import { OctError } from "../errors.ts";
import type { Balance, Ledger } from "../../ports/ledger.ts";
import type { VerifiedToken } from "../token/verify.ts";
import { tokenKeyOf, type Quantity } from "./record.ts";

export interface TokenBalance {
  token: { iss: string; jti: string };
  face_value: Quantity;
  committed: Quantity;
  reserved: Quantity;
  remaining: Quantity;
}

/** Remaining = face value − committed − reserved, exactly. */
export function remainingOf(faceValue: string, balance: Balance): string {
  return formatAmount(
    parsePositiveAmount(faceValue)! -
      parseAmount(balance.committed)! -
      parseAmount(balance.reserved)!,
  );
}

/**
 * Binding to the ledger (`spec/oct.md` §6.3): a token whose identity was
 * first reserved with another face value or unit is refused.
 */
export function checkBinding(token: VerifiedToken, recorded: Balance["recorded"]): void {
  const { amount, unit } = token.claims.oct;
  if (recorded && (recorded.faceValue !== amount || recorded.unit !== unit)) {
    throw new OctError(
      "claims_invalid",
      `this token identity is recorded with ${recorded.faceValue} ${recorded.unit}, not ${amount} ${unit}`,
      {
        errors: [
          {
            pointer: "/oct/amount",
            message: "differs from the face value recorded for this (iss, jti)",
          },
        ],
      },
    );
  }
}

/**
 * The balance of a verified token, as of `now`, after the binding check.
 *
 * @example
 * const { remaining } = await balanceOf(ledger, verified, Date.now());
 */
export async function balanceOf(
  ledger: Ledger,
  token: VerifiedToken,
  now: number,
): Promise<TokenBalance> {
  const balance = await ledger.balance(tokenKeyOf(token.identity), now);
  checkBinding(token, balance.recorded);
  const { amount, unit } = token.claims.oct;
  return {
    token: token.identity,
    face_value: { amount, unit },
    committed: { amount: balance.committed, unit },
    reserved: { amount: balance.reserved, unit },
    remaining: { amount: remainingOf(amount, balance), unit },
  };
}
