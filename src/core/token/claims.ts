/**
 * @module Step 8 of `spec/oct.md` §6: the claims of an OCT token, checked
 * against the claims schema (generated validator), the unit registry and the
 * clock.
 */
import { OctError } from "../errors.ts";
import { schemaErrors } from "../validation.ts";
import { isKnownUnit } from "../units/registry.ts";
import { validateTokenClaims } from "../../generated/validators.js";
import type { TokenClaims } from "../../generated/types.ts";

export type { TokenClaims };

/** Default longest lifetime (`exp - iat`) a carrier's tokens may have: 400 days. */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 400 * 24 * 3600;

export interface ClaimsPolicy {
  /** Seconds since the epoch. */
  now: number;
  clockSkewSeconds: number;
  maxLifetimeSeconds: number;
}

/**
 * Checks a claim set whose signature has been verified.
 *
 * @example
 * checkClaims(payload, { now: 1795000000, clockSkewSeconds: 60, maxLifetimeSeconds: 34560000 })
 */
export function checkClaims(payload: Record<string, unknown>, policy: ClaimsPolicy): TokenClaims {
  if (!validateTokenClaims(payload)) {
    const errors = schemaErrors(validateTokenClaims);
    const first = errors[0];
    throw new OctError(
      "claims_invalid",
      first ? `claim ${first.pointer || "(root)"} ${first.message}` : "the claims are invalid",
      { errors },
    );
  }
  const claims = payload as unknown as TokenClaims;
  if (claims.exp < claims.iat || (claims.nbf !== undefined && claims.nbf > claims.exp)) {
    throw new OctError("claims_invalid", "exp is earlier than iat or nbf", {
      errors: [{ pointer: "/exp", message: "must not be earlier than iat and nbf" }],
    });
  }
  if (!isKnownUnit(claims.oct.unit)) {
    throw new OctError(
      "unit_unknown",
      `unit ${JSON.stringify(claims.oct.unit)} is not in the registry`,
    );
  }
  checkTimes(claims, policy);
  if (claims.exp - claims.iat > policy.maxLifetimeSeconds) {
    throw new OctError(
      "claims_invalid",
      `the token lives ${claims.exp - claims.iat} s, longer than the carrier's ${policy.maxLifetimeSeconds} s`,
      { errors: [{ pointer: "/exp", message: "exceeds the maximum token lifetime" }] },
    );
  }
  return claims;
}

/**
 * Step 8.3 and 8.4 alone, the only checks of step 8 whose verdict changes
 * with the clock: what a kept verification outcome is checked against again
 * (`verified-cache.ts`).
 *
 * @example
 * checkTimes(claims, { now: 1795000000, clockSkewSeconds: 60 })
 */
export function checkTimes(
  claims: Pick<TokenClaims, "iat" | "nbf" | "exp">,
  policy: Pick<ClaimsPolicy, "now" | "clockSkewSeconds">,
): void {
  const latest = policy.now + policy.clockSkewSeconds;
  if (claims.nbf !== undefined && claims.nbf > latest) {
    throw new OctError("token_not_yet_valid", `nbf ${claims.nbf} is in the future`);
  }
  if (claims.iat > latest) {
    throw new OctError("token_not_yet_valid", `iat ${claims.iat} is in the future`);
  }
  if (claims.exp <= policy.now - policy.clockSkewSeconds) {
    throw new OctError("token_expired", `exp ${claims.exp} is in the past`);
  }
}
