/**
 * @module A token's verification explained step by step (`spec/oct.md`
 * §6.2, §7.12): the outcome of each step, typed by the generated types of
 * `inspect-response.schema.json`, and the header and payload decoded for
 * display. The gateway's `POST /v1/inspect` and `oct inspect` both build
 * their answers from here.
 */
import { OctError, ERROR_REGISTRY } from "../errors.ts";
import type { InspectResponse, VerificationStep } from "../../generated/types.ts";
import { lenientBase64 } from "../token/parse.ts";
import { VERIFICATION_STEPS } from "../token/steps.ts";
import {
  isUnavailable,
  verifyToken,
  type VerifiedToken,
  type VerifyContext,
} from "../token/verify.ts";

/** The outcome of one step, as `inspect-response.schema.json` defines it. */
export type StepOutcome = VerificationStep;

/** The codes a token is refused with (those of `verify-response.schema.json`). */
export type TokenErrorCode = NonNullable<InspectResponse["error"]>;

/** Where verification stopped: the step, its code and why. */
export interface Refusal {
  step: number;
  code: TokenErrorCode;
  detail: string;
}

/** A segment as a JSON object, decoded leniently; `undefined` for anything else. */
function displaySegment(segment: string | undefined): Record<string, unknown> | undefined {
  const bytes = segment ? lenientBase64(segment) : undefined;
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The header and payload for display, with none of the checks of §6: a
 * refused token still shows what it claims. Nothing of a token over the
 * size cap is decoded (§6.2 step 1).
 *
 * @example
 * const { header, claims } = decodeForDisplay(token, 8192);
 */
export function decodeForDisplay(
  token: string,
  maxBytes: number,
): Pick<InspectResponse, "header" | "claims"> {
  if (token.length > maxBytes) return {};
  const [header, payload] = token.split(".").map(displaySegment);
  return { ...(header ? { header } : {}), ...(payload ? { claims: payload } : {}) };
}

/**
 * The nine steps: those before the refusal passed, the refusing one
 * failed, the later ones were not reached; all passed without a refusal.
 */
export function stepOutcomes(refusal?: Refusal): InspectResponse["steps"] {
  const outcomes = VERIFICATION_STEPS.map(({ step, title, section }): StepOutcome => {
    if (!refusal || step < refusal.step) return { step, title, section, status: "passed" };
    if (step > refusal.step) return { step, title, section, status: "not_reached" };
    return { step, title, section, status: "failed", code: refusal.code, detail: refusal.detail };
  });
  // One outcome per step of VERIFICATION_STEPS: the nine the schema requires.
  return outcomes as InspectResponse["steps"];
}

/**
 * The step of §6.2 that raised `code` when only the code is known (a
 * verdict of `POST /v1/verify`), from §12's Raised by column: the first of
 * its steps from `from` on (steps 1-4 need no keys and are rechecked
 * locally), else its last; 8 for a code no step raises (the binding of §6.3).
 */
export function stepOfCode(code: string, from = 5): number {
  const steps = (ERROR_REGISTRY as Record<string, { verificationSteps: readonly number[] }>)[code]
    ?.verificationSteps;
  return steps?.find((step) => step >= from) ?? steps?.at(-1) ?? 8;
}

/**
 * Verifies a token and tells where it stopped. Token refusals are the
 * answer; `keys_unavailable` and `status_unavailable` (not the token's
 * fault) and anything unexpected are thrown, as for `POST /v1/verify`.
 *
 * @example
 * const outcome = await explainVerification(token, context);
 * if ("refusal" in outcome) console.log(stepOutcomes(outcome.refusal));
 */
export async function explainVerification(
  token: string,
  context: VerifyContext,
): Promise<{ verified: VerifiedToken } | { refusal: Refusal }> {
  let entered = VERIFICATION_STEPS[0].step as number;
  try {
    return { verified: await verifyToken(token, context, { onStep: (s) => (entered = s.step) }) };
  } catch (error) {
    if (!(error instanceof OctError) || isUnavailable(error)) throw error;
    // The last step entered is the one that refused the token; verification
    // raises only the token codes of §12 (those of §6.2).
    return {
      refusal: { step: entered, code: error.code as TokenErrorCode, detail: error.message },
    };
  }
}
