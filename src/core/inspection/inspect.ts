/**
 * @module Inspecting a token for a person (`spec/oct.md` §7.12): the header
 * and payload decoded for display only, the outcome of each verification
 * step, and, for a token that verified (and, if bound to a holder key, came
 * with the holder's proof), its balance and latest redemptions.
 * The answer of `POST /v1/inspect`, typed by `inspect-response.schema.json`.
 */
import { OctError } from "../errors.ts";
import { mayReveal, type HolderRequest } from "../holder/binding.ts";
import type { InspectResponse, RedemptionSummary } from "../../generated/types.ts";
import type { Ledger } from "../../ports/ledger.ts";
import { balanceOf } from "../redemption/balance.ts";
import { tokenKeyOf, type RedemptionRecord } from "../redemption/record.ts";
import type { VerifyContext } from "../token/verify.ts";
import {
  decodeForDisplay,
  explainVerification,
  stepOutcomes,
  type TokenErrorCode,
} from "./steps.ts";

/** How many redemptions an inspection lists (`spec/oct.md` §7.12). */
export const INSPECT_HISTORY_LIMIT = 20;

/** What an inspection reads: verification's ports and the ledger. */
export interface InspectDeps extends VerifyContext {
  ledger: Ledger;
}

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
  let balance;
  try {
    balance = await balanceOf(deps.ledger, verified, deps.clock.now());
  } catch (error) {
    // §6.3: every step passed, but the identity is recorded with another face value.
    if (!(error instanceof OctError)) throw error;
    const code = error.code as TokenErrorCode; // claims_invalid, the one code of §6.3
    return { header, claims, steps, valid: false, error: code, detail: error.message };
  }
  // A bound token's balance and redemptions are the holder's to see (§6.6).
  if (!(await mayReveal(deps, verified, token, holder)))
    return { header, claims, steps, valid: true };
  const history = await deps.ledger.history(tokenKeyOf(verified.identity), INSPECT_HISTORY_LIMIT);
  return { header, claims, steps, valid: true, balance, redemptions: history.map(summary) };
}
