/**
 * @module Redemption (`spec/oct.md` §8.2-8.5): verify, plan, place the hold
 * of the debit in the token's ledger; then, capture automatic, hand to the
 * provider and commit or release; capture manual, answer the authorisation
 * (captured or voided later, `authorization.ts`). Exactly once per
 * idempotency key; a refusal before the hold writes nothing.
 */
import { formatAmount } from "../amount/decimal.ts";
import { OctError } from "../errors.ts";
import { reservationExpiry } from "../federation/held-grant.ts";
import { homeOf } from "../federation/home.ts";
import { heldOf } from "../federation/records.ts";
import type { DrawRequest } from "../federation/visited-service.ts";
import { isBound, requireHolder, type HolderRequest } from "../holder/binding.ts";
import { signReceipt } from "../receipt/sign.ts";
import { verifyToken, type VerifiedToken } from "../token/verify.ts";
import { checkBinding, remainingOf } from "./balance.ts";
import type { RedemptionDeps } from "./deps.ts";
import { planRedemption, type RedemptionAsk } from "./plan.ts";
import { planFromQuote } from "./quote.ts";
import {
  isAuthorization,
  newRedemptionId,
  statusAt,
  tokenKeyOf,
  type CaptureMode,
  type RedemptionRecord,
} from "./record.ts";

export interface RedeemRequest extends RedemptionAsk {
  token: string;
  quote?: string;
  /** `manual`: an authorisation, captured or voided later. Default `automatic`. */
  capture?: CaptureMode;
}

export interface RedeemResult {
  /** The redemption, with the remaining balance the ledger recorded at its last change. */
  record: RedemptionRecord;
  /** True when this answer is the stored result of an earlier request with the same key. */
  replayed: boolean;
}

/**
 * Redeems `request` once per `idempotencyKey`; a token bound to a holder
 * key needs the request's proof in `holder` (spec §6.6).
 *
 * @example
 * const { record } = await redeem(deps, body, "key-1", await fingerprint(body));
 */
export async function redeem(
  deps: RedemptionDeps,
  request: RedeemRequest,
  idempotencyKey: string,
  requestHash: string,
  holder?: HolderRequest,
): Promise<RedeemResult> {
  const verified = await verifyToken(request.token, deps);
  const home = homeOf({ oct: verified.claims.oct, carrier: verified.carrier }, deps.network);
  // Before the idempotency lookup: a stored answer reveals the token too.
  await requireHolder(deps, verified, request.token, holder);
  const tokenKey = tokenKeyOf(verified.identity);
  const earlier = await deps.ledger.lookup(tokenKey, idempotencyKey);
  if (earlier) return settle(deps, verified, earlier, requestHash);

  const now = deps.clock.now();
  const manual = request.capture === "manual";
  const { reservation_ttl_seconds, authorization_ttl_seconds } = deps.network.limits;
  const plan = request.quote
    ? await planFromQuote(deps, verified, request, request.quote, now)
    : planRedemption(deps.network, verified, request, now);
  const id = newRedemptionId(tokenKey);
  const terms: Omit<RedemptionRecord, "receipt"> = {
    id,
    tokenKey,
    token: verified.identity,
    sub: verified.claims.sub,
    carrier: verified.carrier.id,
    provider: plan.provider.id,
    status: manual ? "authorized" : "reserved",
    captureMode: manual ? "manual" : "automatic",
    debited: { amount: formatAmount(plan.debit), unit: verified.claims.oct.unit },
    credited: { amount: formatAmount(plan.credit), unit: request.unit },
    tariff: plan.tariff,
    ...(request.workload !== undefined ? { workload: request.workload } : {}),
    ...(request.region !== undefined ? { region: request.region } : {}),
    ...(request.quote !== undefined ? { quote: request.quote } : {}),
    created_at: new Date(now).toISOString(),
    expiresAt: now + (manual ? authorization_ttl_seconds : reservation_ttl_seconds) * 1000,
    idempotencyKey,
    requestHash,
  };
  // The receipt is made with the reservation, so a resumed attempt sends
  // the provider the very same receipt (spec §8.4 step 10, §8.5). An
  // authorisation has none until it is captured, for the captured amounts.
  const receipted = async (terms: Omit<RedemptionRecord, "receipt">): Promise<RedemptionRecord> =>
    manual
      ? terms
      : {
          ...terms,
          receipt: await signReceipt(
            deps.network.gatewayId,
            terms,
            await deps.receiptKeys.signingKey(),
            now,
          ),
        };
  const faceValue = verified.claims.oct.amount;
  let record: RedemptionRecord;
  let outcome;
  if (home.kind === "peer") {
    // A visited gateway draws on a grant of the token's home (spec §11.9).
    const federation = deps.federation;
    if (!federation) throw new OctError("home_unavailable", "this gateway does not federate");
    const draw: DrawRequest = {
      tokenKey,
      token: request.token,
      identity: verified.identity,
      unit: verified.claims.oct.unit,
      faceValue,
      debit: plan.debit,
      home: home.peer,
      marginMs: plan.provider.adapter === "webhook" ? (plan.provider.timeout_ms ?? 10_000) : 0,
      // The proof accepted above, carried to the home if a grant is needed (spec §11.5 step 4).
      ...(isBound(verified) && holder?.proof !== undefined ? { holderProof: holder.proof } : {}),
    };
    for (let attempt = 0; ; attempt++) {
      const grant = heldOf(await federation.grantFor(draw));
      const ttl = (manual ? authorization_ttl_seconds : reservation_ttl_seconds) * 1000;
      record = await receipted({ ...terms, expiresAt: reservationExpiry(grant, now, ttl) });
      outcome = await deps.ledger.reserve({
        record,
        faceValue,
        now,
        grant: { id: grant.id, marginMs: draw.marginMs },
      });
      // Another redemption took the room meanwhile: look again. Each turn
      // either reserves, or finds the room taken by another redemption (which
      // reserved), or asks the home, which grants or refuses: the face value
      // bounds the turns; the cap only guards against a bug.
      if (outcome.kind !== "no_grant_room") break;
      if (attempt === 50)
        throw new OctError(
          "home_unavailable",
          "the grants of the token's home are in use; try again",
          {
            retryAfterSeconds: 1,
          },
        );
    }
    if (outcome.kind === "reserved" && !manual) {
      const done = await complete(deps, verified, outcome.record, false);
      void federation.refillSoon(draw).catch(() => undefined);
      return done;
    }
  } else {
    record = await receipted(terms);
    outcome = await deps.ledger.reserve({ record, faceValue, now });
  }
  switch (outcome.kind) {
    case "existing":
    case "conflict":
      // A concurrent request with the same key won the race.
      return settle(deps, verified, outcome.record, requestHash);
    case "mismatch":
      checkBinding(verified, outcome.recorded);
      throw new OctError(
        "claims_invalid",
        "the token identity is recorded with another face value",
      );
    case "insufficient":
      throw new OctError(
        "insufficient_balance",
        `the debit ${record.debited.amount} exceeds the remaining ${remainingOf(verified.claims.oct.amount, outcome.balance)} ${record.debited.unit}`,
      );
    case "reserved":
      return manual
        ? { record: outcome.record, replayed: false }
        : complete(deps, verified, outcome.record, false);
    case "no_grant_room":
      throw new Error("ledger: a grant was named for a token without one");
  }
}

/** The answer for a key already used: the stored result, a resumption, or a conflict. */
async function settle(
  deps: RedemptionDeps,
  verified: VerifiedToken,
  record: RedemptionRecord,
  requestHash: string,
): Promise<RedeemResult> {
  if (record.requestHash !== requestHash) {
    throw new OctError(
      "idempotency_conflict",
      `the Idempotency-Key was used for redemption ${record.id} with a different request`,
    );
  }
  const current = statusAt(record, deps.clock.now());
  // An authorisation was created: the repeat answers it as it stands now
  // (captured, voided or expired since, perhaps), spec §8.5.
  if (isAuthorization(current)) return { record: current, replayed: true };
  switch (current.status) {
    case "committed":
      // The stored answer, remaining balance included (spec §8.5).
      return { record: current, replayed: true };
    case "reserved":
      // A retry of a redemption left in flight (a crash, a lost answer):
      // resume it. Providers treat a known redemption id as a repeat.
      return complete(deps, verified, current, true);
    default:
      // Released: by a provider failure, or by expiry (lapsed, perhaps not yet recovered).
      throw failureOf(current);
  }
}

async function complete(
  deps: RedemptionDeps,
  verified: VerifiedToken,
  record: RedemptionRecord,
  replayed: boolean,
): Promise<RedeemResult> {
  const provider = deps.network.providerById(record.provider);
  try {
    if (!provider)
      throw new OctError("provider_unavailable", `provider ${record.provider} left the network`, {
        status: 503,
      });
    await deps.adapterFor(provider).deliver(record, record.receipt!);
  } catch (error) {
    const failure =
      error instanceof OctError && error.code === "provider_unavailable"
        ? { code: error.code, status: error.status, detail: error.message }
        : {
            code: "provider_unavailable" as const,
            status: 502,
            detail: "the provider adapter failed",
          };
    const released = await deps.ledger.release(
      record.tokenKey,
      record.id,
      failure,
      deps.clock.now(),
    );
    // If a concurrent retry committed first, its result stands.
    if (released?.status === "committed") return { record: released, replayed: true };
    throw failureOf(released ?? { ...record, failure });
  }
  const committed = await deps.ledger.commit(record.tokenKey, record.id, deps.clock.now());
  if (!committed || committed.status !== "committed") throw failureOf(committed ?? record);
  return { record: committed, replayed };
}

function failureOf(record: RedemptionRecord): OctError {
  const failure = record.failure ?? {
    code: "reservation_expired" as const,
    status: 409,
    detail: "the reservation was released",
  };
  return new OctError(failure.code, failure.detail, { status: failure.status });
}
