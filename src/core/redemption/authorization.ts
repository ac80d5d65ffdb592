/**
 * @module Capturing and voiding an authorisation (`spec/oct.md` §8.4, §8.5):
 * a redemption made with capture manual holds its debit until it is
 * captured for at most the authorised amount (the rest returns to the
 * token, the provider gets the receipt of the captured amounts), voided, or
 * expired. Both are idempotent; whoever knows the authorisation's id may ask.
 */
import { debitFor } from "../amount/convert.ts";
import { formatAmount, parsePositiveAmount } from "../amount/decimal.ts";
import { OctError } from "../errors.ts";
import { tariffRate } from "../network/config.ts";
import { signReceipt } from "../receipt/sign.ts";
import type { RedemptionDeps } from "./deps.ts";
import type { RedeemResult } from "./redeem.ts";
import {
  isAuthorization,
  statusAt,
  tokenKeyInId,
  type CaptureTerms,
  type Quantity,
  type RedemptionRecord,
} from "./record.ts";

/** What a capture asks for: a credit in the provider's unit (the authorisation's). */
export interface CaptureAsk {
  amount: string;
  unit: string;
}

type Asked = Omit<CaptureTerms, "receipt">;

async function authorizationOf(deps: RedemptionDeps, id: string): Promise<RedemptionRecord> {
  const tokenKey = tokenKeyInId(id, "rd");
  const record = tokenKey ? await deps.ledger.get(tokenKey, id) : undefined;
  // A redemption captured automatically has nothing left to capture or void.
  if (!record || !isAuthorization(record)) {
    throw new OctError("not_found", `no authorization ${id}`);
  }
  return record;
}

/** The captured amounts for `ask`, at the authorisation's tariff, rounded against the holder (spec §3.4). */
function capturedAmounts(record: RedemptionRecord, ask: CaptureAsk): Asked {
  if (ask.unit !== record.credited.unit) {
    throw new OctError(
      "request_invalid",
      `authorization ${record.id} is in ${record.credited.unit}, not ${ask.unit}`,
      { errors: [{ pointer: "/unit", message: `must be ${record.credited.unit}` }] },
    );
  }
  const credit = parsePositiveAmount(ask.amount);
  if (credit === undefined)
    throw new OctError("request_invalid", `amount ${ask.amount} is not a positive decimal`);
  const debit = debitFor(credit, tariffRate(record.tariff));
  // The debit of a smaller credit at one tariff is never larger; both checked all the same.
  if (
    credit > parsePositiveAmount(record.credited.amount)! ||
    debit > parsePositiveAmount(record.debited.amount)!
  ) {
    throw new OctError(
      "capture_exceeds_authorization",
      `${ask.amount} ${ask.unit} exceeds the ${record.credited.amount} authorised by ${record.id}`,
    );
  }
  return {
    debited: { amount: formatAmount(debit), unit: record.debited.unit },
    credited: { amount: formatAmount(credit), unit: ask.unit },
  };
}

const sameQuantity = (a: Quantity, b: Quantity) => a.amount === b.amount && a.unit === b.unit;
const sameCapture = (a: Asked, b: Asked) =>
  sameQuantity(a.debited, b.debited) && sameQuantity(a.credited, b.credited);

const expiredError = (record: RedemptionRecord) =>
  new OctError(
    "authorization_expired",
    `authorization ${record.id} expired at ${new Date(record.expiresAt).toISOString()}; nothing was debited`,
  );

const capturedError = (record: RedemptionRecord, terms: CaptureTerms | Asked) =>
  new OctError(
    "authorization_captured",
    `authorization ${record.id} ${record.status === "captured" ? "was captured" : "is being captured"} for ${terms.credited.amount} ${terms.credited.unit}`,
  );

/** Refuses a capture the authorisation's state forbids; whether it is captured already (with `asked`). */
function capturable(record: RedemptionRecord, asked: Asked): "captured" | "open" {
  switch (record.status) {
    case "voided":
      throw new OctError("authorization_voided", `authorization ${record.id} was voided`);
    case "expired":
      throw expiredError(record);
    default:
      if (record.capture && !sameCapture(record.capture, asked)) {
        throw capturedError(record, record.capture);
      }
      return record.status === "captured" ? "captured" : "open";
  }
}

/**
 * Captures `ask` of an authorisation: fixes the captured amounts and their
 * receipt, hands them to the provider, then commits them. The same capture
 * again answers the stored result; a provider failure leaves the
 * authorisation open, its capture fixed, for a retry or a void.
 *
 * @example
 * const { record } = await captureAuthorization(deps, "rd.…", { amount: "60", unit: "gpu-second:a100-sxm" });
 */
export async function captureAuthorization(
  deps: RedemptionDeps,
  id: string,
  ask: CaptureAsk,
): Promise<RedeemResult> {
  let record = await authorizationOf(deps, id);
  const asked = capturedAmounts(record, ask);
  const now = deps.clock.now();
  if (capturable(statusAt(record, now), asked) === "captured") return { record, replayed: true };
  if (!record.capture) {
    const captured = { ...record, ...asked };
    const receipt = await signReceipt(
      deps.network.gatewayId,
      captured,
      await deps.receiptKeys.signingKey(),
      now,
    );
    record =
      (await deps.ledger.beginCapture(record.tokenKey, id, { ...asked, receipt }, now)) ?? record;
    if (capturable(record, asked) === "captured") return { record, replayed: true };
  }
  const terms = record.capture!;
  const provider = deps.network.providerById(record.provider);
  if (!provider) {
    throw new OctError("provider_unavailable", `provider ${record.provider} left the network`, {
      status: 503,
    });
  }
  // Providers treat a redemption id they have seen as a repeat (spec §8.7).
  await deps
    .adapterFor(provider)
    .deliver({ ...record, debited: terms.debited, credited: terms.credited }, terms.receipt);
  const committed = await deps.ledger.commit(record.tokenKey, id, deps.clock.now());
  if (committed && capturable(committed, asked) === "captured") {
    return { record: committed, replayed: false };
  }
  throw new Error(`ledger: authorization ${id} left uncaptured after its commit`);
}

/**
 * Voids an authorisation: its hold is closed and the whole debit returns to
 * the token. Voiding it again answers the voided authorisation.
 *
 * @example
 * const { record } = await voidAuthorization(deps, "rd.…");
 */
export async function voidAuthorization(deps: RedemptionDeps, id: string): Promise<RedeemResult> {
  const record = await authorizationOf(deps, id);
  const now = deps.clock.now();
  let current = statusAt(record, now);
  const replayed = current.status === "voided";
  if (current.status === "authorized") {
    current = (await deps.ledger.void(record.tokenKey, id, now)) ?? current;
  }
  switch (current.status) {
    case "voided":
      return { record: current, replayed };
    case "captured":
      throw capturedError(current, current.capture!);
    default:
      throw expiredError(current);
  }
}
