/**
 * @module Inspecting a token for a person (`spec/oct.md` §7.12): the header
 * and payload decoded for display only, the outcome of each verification
 * step, and, for a token that verified, its balance and latest redemptions.
 */
import { OctError, type ErrorCode } from "../core/errors.ts";
import { balanceOf, type TokenBalance } from "../core/redemption/balance.ts";
import { tokenKeyOf, type Quantity, type RedemptionRecord } from "../core/redemption/record.ts";
import { lenientBase64 } from "../core/token/parse.ts";
import { VERIFICATION_STEPS, type VerificationStep } from "../core/token/steps.ts";
import { verifyToken, type VerifiedToken } from "../core/token/verify.ts";
import type { GatewayPorts } from "./ports.ts";

/** How many redemptions an inspection lists (`spec/oct.md` §7.12). */
export const INSPECT_HISTORY_LIMIT = 20;

export interface StepOutcome {
  step: number;
  title: string;
  section: string;
  status: "passed" | "failed" | "not_reached";
  code?: ErrorCode;
  detail?: string;
}

export interface RedemptionSummary {
  id: string;
  status: RedemptionRecord["status"];
  provider: string;
  debited: Quantity;
  credited: Quantity;
  created_at: string;
}

/** The body of `inspect-response.schema.json`. */
export interface Inspection {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  steps: StepOutcome[];
  valid: boolean;
  error?: ErrorCode;
  detail?: string;
  balance?: TokenBalance;
  redemptions?: RedemptionSummary[];
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
 * refused token still shows what it claims. Nothing of an oversized token is
 * decoded (§6.2 step 1).
 */
export function decodeForDisplay(
  token: string,
  maxBytes: number,
): Pick<Inspection, "header" | "claims"> {
  if (token.length > maxBytes) return {};
  const [header, payload] = token.split(".").map(displaySegment);
  return { ...(header ? { header } : {}), ...(payload ? { claims: payload } : {}) };
}

function stepOutcomes(failedAt: VerificationStep | undefined, error?: OctError): StepOutcome[] {
  return VERIFICATION_STEPS.map(({ step, title, section }) => {
    if (!failedAt || step < failedAt.step) return { step, title, section, status: "passed" };
    if (step > failedAt.step) return { step, title, section, status: "not_reached" };
    return { step, title, section, status: "failed", code: error!.code, detail: error!.message };
  });
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
export async function inspectToken(token: string, ports: GatewayPorts): Promise<Inspection> {
  const shown = decodeForDisplay(token, ports.network.limits.token_max_bytes);
  const entered: VerificationStep[] = [];
  let verified: VerifiedToken;
  try {
    verified = await verifyToken(token, ports, { onStep: (step) => entered.push(step) });
  } catch (error) {
    if (!(error instanceof OctError) || error.code === "keys_unavailable") throw error;
    // The last step entered is the one that refused the token.
    const failedAt = entered.at(-1) ?? VERIFICATION_STEPS[0];
    return {
      ...shown,
      steps: stepOutcomes(failedAt, error),
      valid: false,
      error: error.code,
      detail: error.message,
    };
  }
  const steps = stepOutcomes(undefined);
  const header = { ...verified.header };
  const claims = verified.claims as unknown as Record<string, unknown>;
  let balance: TokenBalance;
  try {
    balance = await balanceOf(ports.ledger, verified, ports.clock.now());
  } catch (error) {
    // §6.3: every step passed, but the identity is recorded with another face value.
    if (!(error instanceof OctError)) throw error;
    return { header, claims, steps, valid: false, error: error.code, detail: error.message };
  }
  const history = await ports.ledger.history(
    await tokenKeyOf(verified.identity),
    INSPECT_HISTORY_LIMIT,
  );
  return { header, claims, steps, valid: true, balance, redemptions: history.map(summary) };
}
