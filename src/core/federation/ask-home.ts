/**
 * @module A visited gateway talking to a token's home (`spec/oct.md` §11.9):
 * a signed grant request and the checked grant it gets back, signed usage
 * reports and what their answers mean. Every answer the home can give is
 * turned into one of a few outcomes; the ledger decides what to record.
 */
import { parseAmount } from "../amount/decimal.ts";
import { ERROR_REGISTRY, OctError, type ErrorCode } from "../errors.ts";
import type { PrivateJwk } from "../signing/keys.ts";
import type { Network } from "../network/config.ts";
import type { Peer } from "../network/peers.ts";
import type { Clock } from "../../ports/clock.ts";
import type { KeySource } from "../../ports/keys.ts";
import { PeerUnreachable, type PeerClient } from "../../ports/peer-client.ts";
import {
  DOCUMENT_TYPES,
  grantRequestClaims,
  signDocument,
  usageClaims,
  type DocumentClaims,
} from "./documents.ts";
import { documentContextOf, verifyDocument, verifyDocumentEvidence } from "./verify-document.ts";

export interface HomeLink {
  network: Network;
  keys: KeySource;
  clock: Clock;
  peers: PeerClient;
  /** The gateway's current signing key (its receipt key, spec §11.3). */
  signingKey(): Promise<PrivateJwk>;
}

/** The refusals of a token that a home answers as they are (spec §11.9 "Reserve"). */
const TOKEN_CODES: readonly ErrorCode[] = [
  "token_malformed",
  "alg_not_allowed",
  "header_invalid",
  "issuer_untrusted",
  "key_unknown",
  "signature_invalid",
  "token_expired",
  "token_not_yet_valid",
  "claims_invalid",
  "carrier_suspended",
  "unit_unknown",
  "holder_proof_missing",
  "holder_proof_invalid",
  "holder_key_mismatch",
  "holder_proof_stale",
  "holder_proof_target_mismatch",
  "holder_proof_token_mismatch",
  "holder_proof_replayed",
  "home_unknown",
];

export interface GrantAskFor {
  /** The token as the holder presented it. */
  token: string;
  identity: { iss: string; jti: string };
  unit: string;
  faceValue: string;
  amount: string;
  minAmount: string;
  /** The request id, recorded before the first send and repeated by retries. */
  requestId: string;
  /** For a bound token: the proof the holder's request carried, passed through (spec §11.5 step 4). */
  holderProof?: string;
}

export type GrantAnswer =
  /** A grant that answers the request: store it, then draw on it. */
  | { kind: "granted"; jws: string; claims: DocumentClaims["grant"] }
  /** A grant signed by the home that does not answer the request, or no longer live: close it at once. */
  | { kind: "unusable"; jws: string; claims: DocumentClaims["grant"]; reason: string };

/** `home_unavailable`, with the home's own Retry-After when it gave a longer one. */
function unavailable(link: HomeLink, home: Peer, why: string, retryAfter?: number): OctError {
  const pause = link.network.federation.home_retry_seconds;
  return new OctError("home_unavailable", `the token's home ${home.id} ${why}`, {
    retryAfterSeconds: Math.max(pause, retryAfter ?? 0),
  });
}

interface Problemish {
  code?: unknown;
  detail?: unknown;
}

/**
 * Asks the home for a grant (spec §11.5, §11.9): a signed grant request,
 * then the grant verified (§11.4) and checked against the request. Throws
 * `insufficient_balance`, a token failure the home found, or
 * `home_unavailable` for anything else.
 *
 * @example
 * const answer = await requestGrant(link, home, { token, identity, unit, faceValue, amount, minAmount, requestId });
 */
export async function requestGrant(
  link: HomeLink,
  home: Peer,
  ask: GrantAskFor,
): Promise<GrantAnswer> {
  const claims = grantRequestClaims(
    { from: link.network.gatewayId, to: home.id, now: link.clock.now() },
    {
      token: ask.token,
      amount: ask.amount,
      min_amount: ask.minAmount,
      unit: ask.unit,
      ...(ask.holderProof !== undefined ? { holder_proof: ask.holderProof } : {}),
    },
    ask.requestId,
  );
  const body = await signDocument("grant-request", claims, await link.signingKey());
  let answer;
  try {
    answer = await link.peers.send(home, {
      method: "POST",
      path: "/v1/grants",
      body,
      mediaType: `application/${DOCUMENT_TYPES["grant-request"]}`,
    });
  } catch (error) {
    if (error instanceof PeerUnreachable) throw unavailable(link, home, "cannot be reached");
    throw error;
  }
  const problem = (answer.body ?? {}) as Problemish;
  if (answer.status !== 201) {
    const code = typeof problem.code === "string" ? (problem.code as ErrorCode) : undefined;
    const detail = typeof problem.detail === "string" ? `: ${problem.detail}` : "";
    if (code === "insufficient_balance" && answer.status === 402) {
      throw new OctError("insufficient_balance", `the token's home cannot grant it${detail}`);
    }
    if (
      code !== undefined &&
      TOKEN_CODES.includes(code) &&
      (ERROR_REGISTRY[code].statuses as readonly number[]).includes(answer.status)
    ) {
      throw new OctError(code, `the token's home refused it${detail}`);
    }
    throw unavailable(
      link,
      home,
      `answered ${answer.status}${code ? ` ${code}` : ""}${detail}`,
      answer.retryAfterSeconds,
    );
  }
  const jws = (answer.body as { grant?: unknown } | null)?.grant;
  let verified;
  try {
    verified = await verifyDocument(
      jws,
      "grant",
      documentContextOf(link, link.network.federation.peer_max_bytes),
    );
  } catch (error) {
    if (!(error instanceof OctError)) throw error;
    const late = await noLongerLive(link, jws, error);
    if (late) {
      // The answer to a request sent again after the grant's exp (spec §11.9 "Asking"): kept,
      // closed, so that its final report (nothing used) tells the home, rather than asked forever.
      const reason = mismatch(late, home, ask) ?? "is no longer live";
      return { kind: "unusable", jws: jws as string, claims: late, reason };
    }
    throw unavailable(link, home, `sent a grant that ${error.code}`);
  }
  const reason = mismatch(verified.claims, home, ask);
  return reason
    ? { kind: "unusable", jws: jws as string, claims: verified.claims, reason }
    : { kind: "granted", jws: jws as string, claims: verified.claims };
}

/**
 * The claims of a grant that failed §11.4 only for being past its `exp`:
 * genuine (every step but the clock), addressed to this gateway, expired.
 */
async function noLongerLive(
  link: HomeLink,
  jws: unknown,
  failure: OctError,
): Promise<DocumentClaims["grant"] | undefined> {
  if (failure.code !== "document_invalid") return undefined;
  const context = documentContextOf(link, link.network.federation.peer_max_bytes);
  try {
    const { claims } = await verifyDocumentEvidence(jws, "grant", context);
    const expired = claims.exp * 1000 <= context.now - context.clockSkewSeconds * 1000;
    return claims.aud === context.gatewayId && expired ? claims : undefined;
  } catch {
    return undefined;
  }
}

/** Why a verified grant does not answer its request (spec §11.9 "Grants"), if it does not. */
function mismatch(
  claims: DocumentClaims["grant"],
  home: Peer,
  ask: GrantAskFor,
): string | undefined {
  const grant = claims.oct_grant;
  if (claims.iss !== home.id) return `it is signed by ${claims.iss}, not the token's home`;
  if (grant.request !== ask.requestId) return "it answers another request";
  if (grant.token.iss !== ask.identity.iss || grant.token.jti !== ask.identity.jti)
    return "it is for another token";
  if (grant.unit !== ask.unit) return `its unit is ${grant.unit}, not ${ask.unit}`;
  if (grant.face_value !== ask.faceValue)
    return `the home records a face value of ${grant.face_value}, the token says ${ask.faceValue}`;
  const amount = parseAmount(grant.amount)!;
  if (amount < parseAmount(ask.minAmount)! || amount > parseAmount(ask.amount)!)
    return `its amount ${grant.amount} is outside what was asked`;
  return undefined;
}

export interface UsageToReport {
  grant: string;
  seq: number;
  used: string;
  final: boolean;
}

export type UsageAnswer =
  /** Applied (or a replay of the applied report): the report is acknowledged. */
  | { kind: "acknowledged" }
  /** The grant lapsed at the home: close it and send the final report (spec §11.9). */
  | { kind: "lapsed" }
  /** Refused for good: not retried, left to reconciliation. */
  | { kind: "refused"; code: string; detail: string }
  /** No answer, or one that may change: send the same report again later. */
  | { kind: "retry"; reason: string };

/**
 * Sends one usage report to the home (spec §11.6) and says what its answer means.
 *
 * @example
 * const answer = await reportUsage(link, home, { grant: id, seq: 2, used: "120", final: true });
 */
export async function reportUsage(
  link: HomeLink,
  home: Peer,
  usage: UsageToReport,
): Promise<UsageAnswer> {
  const claims = usageClaims(
    { from: link.network.gatewayId, to: home.id, now: link.clock.now() },
    usage,
  );
  const body = await signDocument("usage", claims, await link.signingKey());
  let answer;
  try {
    answer = await link.peers.send(home, {
      method: "POST",
      path: `/v1/grants/${encodeURIComponent(usage.grant)}/usage`,
      body,
      mediaType: `application/${DOCUMENT_TYPES.usage}`,
    });
  } catch (error) {
    if (error instanceof PeerUnreachable) return { kind: "retry", reason: error.message };
    throw error;
  }
  if (answer.status === 200) return { kind: "acknowledged" };
  const problem = (answer.body ?? {}) as Problemish;
  const code = typeof problem.code === "string" ? problem.code : `status ${answer.status}`;
  const detail = typeof problem.detail === "string" ? problem.detail : "";
  if (code === "grant_lapsed") return { kind: "lapsed" };
  // A busy or failing home, or keys it cannot fetch now: the same report later.
  if (answer.status >= 500 || answer.status === 429)
    return { kind: "retry", reason: `${code} ${detail}` };
  return { kind: "refused", code, detail };
}
