/**
 * @module Holder binding (`spec/oct.md` §2.6, §6.6): a request that spends or
 * reveals a token bound with `cnf.jkt` proves possession of the holder key.
 * The proof is checked, then its `jti` is admitted by the token's ledger,
 * where that token's redemptions are serialised, so one proof is accepted
 * once across every gateway process (or Durable Object isolate).
 */
import { ERROR_REGISTRY, OctError } from "../errors.ts";
import type { Network } from "../network/config.ts";
import { tokenKeyOf } from "../redemption/record.ts";
import type { VerifiedToken } from "../token/verify.ts";
import type { Clock } from "../../ports/clock.ts";
import type { Ledger } from "../../ports/ledger.ts";
import { checkHolderProof, type ProofTarget } from "./proof.ts";

/** What the HTTP layer hands the core of a request: its `DPoP` field and its target. */
export interface HolderRequest extends ProofTarget {
  /** The `DPoP` header field's value, absent when the request has none. */
  proof: string | undefined;
}

export interface HolderDeps {
  network: Network;
  /** Where the token's proofs are admitted: its ledger, which serialises its redemptions. */
  ledger: Pick<Ledger, "admitProof">;
  clock: Clock;
}

/** Whether `error` refuses a holder proof: a code §12 says §6.6 raises. */
export const isHolderProofRefusal = (error: OctError): boolean =>
  ERROR_REGISTRY[error.code].raisedBy.startsWith("§6.6");

/** Whether the token is bound to a holder key (`cnf.jkt`). */
export const isBound = (verified: VerifiedToken): boolean => verified.claims.cnf !== undefined;

/**
 * For a bound token: checks the request's proof and admits its `jti`, or
 * throws the refusal. An unbound token needs nothing (a proof sent with it
 * is ignored).
 *
 * @example
 * await requireHolder(deps, verified, token, { proof, method: "POST", url });
 */
export async function requireHolder(
  deps: HolderDeps,
  verified: VerifiedToken,
  token: string,
  request: HolderRequest | undefined,
): Promise<void> {
  const jkt = verified.claims.cnf?.jkt;
  if (jkt === undefined) return;
  if (!request) {
    throw new OctError(
      "holder_proof_missing",
      "this token is bound to a holder key: the request needs a DPoP proof",
    );
  }
  const { limits } = deps.network;
  const now = deps.clock.now();
  const proof = await checkHolderProof(
    request.proof,
    token,
    jkt,
    request,
    {
      maxAgeSeconds: limits.dpop_max_age_seconds,
      skewSeconds: limits.clock_skew_seconds,
      maxBytes: limits.token_max_bytes,
    },
    now,
  );
  const admitted = await deps.ledger.admitProof(
    tokenKeyOf(verified.identity),
    proof.jti,
    proof.usableUntil,
    now,
  );
  if (!admitted) {
    throw new OctError(
      "holder_proof_replayed",
      `a proof with the jti ${proof.jti} was already accepted for this token`,
    );
  }
}

/**
 * Whether a request may see a bound token's balance: always for an unbound
 * token; for a bound one only with a proof, which is then checked and
 * admitted (a wrong proof is refused, not ignored).
 */
export async function mayReveal(
  deps: HolderDeps,
  verified: VerifiedToken,
  token: string,
  request: HolderRequest | undefined,
): Promise<boolean> {
  if (!isBound(verified)) return true;
  if (request?.proof === undefined) return false;
  await requireHolder(deps, verified, token, request);
  return true;
}
