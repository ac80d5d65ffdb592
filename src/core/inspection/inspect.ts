/**
 * @module Inspecting a token for a person (`spec/oct.md` §7.12): the header
 * and payload decoded for display only, the outcome of each verification
 * step, and, for a token that verified, where its balance lives (§11.2)
 * and (if bound to a holder key, only with the holder's proof) its balance,
 * its grants here and its latest redemptions. The answer of
 * `POST /v1/inspect`, typed by `inspect-response.schema.json`.
 */
import { OctError } from "../errors.ts";
import { mayReveal, type HolderRequest } from "../holder/binding.ts";
import type { InspectResponse, RedemptionSummary } from "../../generated/types.ts";
import type { GrantLedger } from "../../ports/grant-ledger.ts";
import type { Ledger } from "../../ports/ledger.ts";
import { balanceHere } from "../federation/balance.ts";
import { homeOf } from "../federation/home.ts";
import { tokenKeyOf, type RedemptionRecord } from "../redemption/record.ts";
import type { VerifyContext } from "../token/verify.ts";
import {
  decodeForDisplay,
  explainVerification,
  stepOutcomes,
  type TokenErrorCode,
} from "./steps.ts";
import { grantsShown, homeShown } from "./home.ts";

/** How many redemptions an inspection lists (`spec/oct.md` §7.12). */
export const INSPECT_HISTORY_LIMIT = 20;

/** What an inspection reads: verification's ports, the ledger and its federation side. */
export interface InspectDeps extends VerifyContext {
  ledger: Ledger;
  grants?: GrantLedger;
}

/** The refusals of a token whose steps all passed: §6.3's binding, §11.2's home. */
const AFTER_THE_STEPS = new Set(["claims_invalid", "home_unknown"]);

function summary(record: RedemptionRecord): RedemptionSummary {
  const { id, status, provider, debited, credited, created_at } = record;
  return { id, status, provider, debited, credited, created_at };
}

/**
 * Verifies a token step by step and explains the verdict. Token refusals
 * are part of the answer; `keys_unavailable` (not the token's fault) and
 * anything unexpected are thrown, as for `POST /v1/verify`.
 *
 * @example
 * const { valid, steps } = await inspectToken(token, ports);
 */
export async function inspectToken(
  token: string,
  deps: InspectDeps,
  holder?: HolderRequest,
): Promise<InspectResponse> {
  const outcome = await explainVerification(token, deps);
  if ("refusal" in outcome) {
    const { refusal } = outcome;
    return {
      ...decodeForDisplay(token, deps.network.limits.token_max_bytes),
      steps: stepOutcomes(refusal),
      valid: false,
      error: refusal.code,
      detail: refusal.detail,
    };
  }
  const { verified } = outcome;
  const steps = stepOutcomes();
  const header = { ...verified.header };
  const claims = verified.claims;
  let home, balance;
  try {
    home = homeOf({ oct: claims.oct, carrier: verified.carrier }, deps.network);
    balance = await balanceHere(deps, verified);
  } catch (error) {
    // Every step passed, but the token's home is not one this gateway may
    // federate with (§11.2), or the identity is recorded with another face value (§6.3).
    if (!(error instanceof OctError) || !AFTER_THE_STEPS.has(error.code)) throw error;
    const code = error.code as TokenErrorCode;
    return { header, claims, steps, valid: false, error: code, detail: error.message };
  }
  const shownHome = homeShown(home, deps.network.gatewayId);
  // A bound token's balance, grants and redemptions are the holder's to see (§6.6).
  if (!(await mayReveal(deps, verified, token, holder)))
    return { header, claims, steps, valid: true, home: shownHome };
  const tokenKey = tokenKeyOf(verified.identity);
  const grants = await grantsShown(home, tokenKey, deps.grants, deps.clock.now());
  const history = await deps.ledger.history(tokenKey, INSPECT_HISTORY_LIMIT);
  return {
    header,
    claims,
    steps,
    valid: true,
    balance,
    home: shownHome,
    ...(grants ? { grants } : {}),
    redemptions: history.map(summary),
  };
}
