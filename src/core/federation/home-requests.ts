/**
 * @module What a home checks of a request before its ledger is touched
 * (`spec/oct.md` §11.5 steps 2 to 6, §11.6 steps 2 and 3): the document, the
 * token it carries and, for a bound token, the holder's proof carried
 * through, that the token is homed here and asks in its own unit. Every
 * refusal is an `OctError` with the step's code.
 */
import { parseAmount, type Atto } from "../amount/decimal.ts";
import { OctError } from "../errors.ts";
import { requireHolder } from "../holder/binding.ts";
import { fingerprint } from "../redemption/fingerprint.ts";
import { verifyToken, type VerifiedToken, type VerifyContext } from "../token/verify.ts";
import type { Ledger } from "../../ports/ledger.ts";
import type { DocumentClaims } from "./documents.ts";
import { homeOf } from "./home.ts";
import { documentContextOf, verifyDocument } from "./verify-document.ts";

export interface HomeContext extends VerifyContext {
  /** The ledger that admits the `jti` of a holder's proof, as for the home's own requests (§6.6 step 8). */
  proofs: Pick<Ledger, "admitProof">;
}

export interface GrantRequestIn {
  claims: DocumentClaims["grant-request"];
  /** The requesting gateway (the document's verified `iss`). */
  visited: string;
  /** base64url SHA-256 of JCS(`oct_grant_request`): a retry must match it (§11.5 step 3). */
  fingerprint: string;
}

/**
 * §11.5 step 2: the grant request verified, and its fingerprint.
 *
 * @example
 * const request = await readGrantRequest(body, context);
 */
export async function readGrantRequest(
  body: unknown,
  context: HomeContext,
): Promise<GrantRequestIn> {
  const { claims, peer } = await verifyDocument(
    body,
    "grant-request",
    documentContextOf(context, context.network.limits.body_max_bytes),
  );
  return { claims, visited: peer.id, fingerprint: await fingerprint(claims.oct_grant_request) };
}

export interface AdmittedGrantRequest {
  token: VerifiedToken;
  amount: Atto;
  minAmount: Atto;
}

/**
 * §11.5 steps 4 to 6, for a request not answered before: the token verified
 * as for a redemption, homed here, and asked for in its own unit.
 */
export async function admitGrantRequest(
  request: GrantRequestIn,
  context: HomeContext,
): Promise<AdmittedGrantRequest> {
  const ask = request.claims.oct_grant_request;
  const token = await verifyToken(ask.token, context);
  await requireCarriedProof(request, token, context);
  const home = homeOf({ oct: token.claims.oct, carrier: token.carrier }, context.network);
  if (home.kind !== "here") {
    throw new OctError("home_unknown", `this gateway is not the token's home`);
  }
  if (ask.unit !== token.claims.oct.unit) {
    throw new OctError(
      "document_invalid",
      `the request asks in ${ask.unit}, the token's unit is ${token.claims.oct.unit}`,
    );
  }
  return { token, amount: parseAmount(ask.amount)!, minAmount: parseAmount(ask.min_amount)! };
}

/**
 * §11.5 step 4 for a bound token: the holder's proof the visited gateway
 * accepted, checked as §6.6 says, but made for a POST to an endpoint of the
 * requesting peer (a URL under its configured `url`), and admitted in this
 * ledger, so the home accepts it once too. An unbound token needs none.
 */
async function requireCarriedProof(
  request: GrantRequestIn,
  token: VerifiedToken,
  context: HomeContext,
): Promise<void> {
  const peer = context.network.peerById(request.visited);
  // verifyDocument found the peer: its absence would be a bug, never a request's fault.
  if (!peer) throw new Error(`no configured peer ${request.visited}`);
  const proof = request.claims.oct_grant_request.holder_proof;
  await requireHolder(
    { network: context.network, clock: context.clock, ledger: context.proofs },
    token,
    request.claims.oct_grant_request.token,
    { proof, method: "POST", url: peer.url, matching: "under" },
  );
}

/**
 * §11.6 steps 2 and 3 (up to the lookup): the usage report verified, and
 * naming the grant of the path.
 */
export async function readUsageReport(
  body: unknown,
  grantId: string,
  context: HomeContext,
): Promise<{ claims: DocumentClaims["usage"]; visited: string }> {
  const { claims, peer } = await verifyDocument(
    body,
    "usage",
    documentContextOf(context, context.network.limits.body_max_bytes),
  );
  if (claims.oct_usage.grant !== grantId) {
    throw new OctError(
      "document_invalid",
      `the report is for grant ${claims.oct_usage.grant}, posted to ${grantId}`,
    );
  }
  return { claims, visited: peer.id };
}
