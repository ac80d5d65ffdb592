/**
 * @module A token's home answering other gateways (`spec/oct.md` §11.5 to
 * §11.8): grant requests, usage reports, a grant by id and grant reports.
 * The checks are `home-requests.ts`, the decisions the ledger's steps; here
 * they run in the spec's order.
 */
import type { Grant, GrantReport } from "../../generated/types.ts";
import { OctError } from "../errors.ts";
import { parseAmount } from "../amount/decimal.ts";
import { tokenKeyOf } from "../redemption/record.ts";
import { decodeJsonObject, parseCompact } from "../token/parse.ts";
import type { GrantLedger } from "../../ports/grant-ledger.ts";
import type { ReceiptKeys } from "../../ports/receipt-keys.ts";
import { grantClaims, signDocument } from "./documents.ts";
import { signGrantReport } from "./grant-report.ts";
import {
  admitGrantRequest,
  readGrantRequest,
  readUsageReport,
  type HomeContext,
} from "./home-requests.ts";
import { grantIdFor, tokenKeyInGrantId } from "./ids.ts";
import { grantResourceOf, reportEntryOf, type IssuedGrantRecord } from "./records.ts";

export interface HomeDeps extends HomeContext {
  ledger: GrantLedger;
  receiptKeys: ReceiptKeys;
}

/**
 * The identity a token claims, read without trusting it: only to find
 * where an earlier answer to the same request is kept (§11.5 step 3).
 */
function claimedIdentity(token: string): { iss: string; jti: string } | undefined {
  try {
    const payload = decodeJsonObject(
      parseCompact(token, { maxBytes: token.length }).payloadBytes,
      "payload",
    );
    return typeof payload.iss === "string" && typeof payload.jti === "string"
      ? { iss: payload.iss, jti: payload.jti }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The grant signed, recorded once, and shown (§11.5 steps 7 and 8). */
async function signed(deps: HomeDeps, tokenKey: string, record: IssuedGrantRecord): Promise<Grant> {
  if (record.terms.jws !== undefined) return grantResourceOf(record);
  const { terms } = record;
  const claims = grantClaims(
    { from: terms.home, to: terms.visited, now: terms.issuedAt },
    {
      id: terms.id,
      request: terms.request,
      token: terms.token,
      amount: terms.amount,
      unit: terms.unit,
      faceValue: terms.faceValue,
      validUntil: terms.validUntil,
      reportBy: terms.reportBy,
    },
  );
  const jws = await signDocument("grant", claims, await deps.receiptKeys.signingKey());
  return grantResourceOf(await deps.ledger.signIssuedGrant(tokenKey, terms.id, jws));
}

function answered(record: IssuedGrantRecord, fingerprint: string): void {
  if (record.fingerprint !== fingerprint) {
    throw new OctError(
      "idempotency_conflict",
      `grant request ${record.terms.request} was answered before, for a different request`,
    );
  }
}

/**
 * `POST /v1/grants` (spec §11.5, from step 2).
 *
 * @example
 * const grant = await grantRequest(deps, body);
 */
export async function grantRequest(deps: HomeDeps, body: unknown): Promise<Grant> {
  const request = await readGrantRequest(body, deps);
  const { claims, visited, fingerprint } = request;
  const claimed = claimedIdentity(claims.oct_grant_request.token);
  /** Step 3: the stored answer to the same request id, if any. */
  const earlierAnswer = async (): Promise<Grant | undefined> => {
    if (!claimed) return undefined;
    const tokenKey = tokenKeyOf(claimed);
    const id = await grantIdFor(tokenKey, visited, claims.jti);
    const earlier = await deps.ledger.issuedGrant(tokenKey, id, deps.clock.now());
    if (!earlier) return undefined;
    answered(earlier, fingerprint);
    return signed(deps, tokenKey, earlier);
  };
  const earlier = await earlierAnswer();
  if (earlier) return earlier;
  let admitted;
  try {
    admitted = await admitGrantRequest(request, deps);
  } catch (error) {
    // The same request sent twice at once: the holder's proof was admitted
    // for the first, which may have recorded its grant since (as step 7).
    if (error instanceof OctError && error.code === "holder_proof_replayed") {
      const meanwhile = await earlierAnswer();
      if (meanwhile) return meanwhile;
    }
    throw error;
  }
  const { token, amount, minAmount } = admitted;
  const tokenKey = tokenKeyOf(token.identity);
  const id = await grantIdFor(tokenKey, visited, claims.jti);
  const oct = token.claims.oct;
  const outcome = await deps.ledger.issueGrant({
    identity: { tokenKey, token: token.identity, faceValue: oct.amount, unit: oct.unit },
    terms: {
      id,
      home: deps.network.gatewayId,
      visited,
      token: token.identity,
      unit: oct.unit,
      faceValue: oct.amount,
      request: claims.jti,
    },
    fingerprint,
    ask: { amount, minAmount },
    tokenExp: token.claims.exp * 1000,
    settings: deps.network.federation,
    now: deps.clock.now(),
  });
  if (outcome.kind === "mismatch") {
    throw new OctError(
      "claims_invalid",
      `the token's face value ${oct.amount} ${oct.unit} differs from the ${outcome.recorded.faceValue} ${outcome.recorded.unit} recorded for it`,
    );
  }
  if (outcome.kind === "existing") answered(outcome.record, fingerprint);
  return signed(deps, tokenKey, outcome.record);
}

/** The token key a grant id this home issued names, or `not_found`. */
function tokenKeyOfGrant(id: string): string {
  const tokenKey = tokenKeyInGrantId(id);
  if (!tokenKey) throw new OctError("not_found", `no grant ${id}`);
  return tokenKey;
}

/**
 * `POST /v1/grants/{id}/usage` (spec §11.6, from step 2).
 *
 * @example
 * const grant = await usageReport(deps, body, id);
 */
export async function usageReport(deps: HomeDeps, body: unknown, id: string): Promise<Grant> {
  const { claims, visited } = await readUsageReport(body, id, deps);
  const tokenKey = tokenKeyOfGrant(id);
  const now = deps.clock.now();
  const record = await deps.ledger.issuedGrant(tokenKey, id, now);
  if (!record) throw new OctError("not_found", `no grant ${id}`);
  if (record.terms.visited !== visited) {
    throw new OctError(
      "grant_forbidden",
      `grant ${id} was issued to ${record.terms.visited}, not ${visited}`,
    );
  }
  const usage = claims.oct_usage;
  const { record: after } = await deps.ledger.applyUsage(
    tokenKey,
    id,
    { seq: usage.seq, used: parseAmount(usage.used)!, final: usage.final },
    now,
  );
  return signed(deps, tokenKey, after);
}

/** `GET /v1/grants/{id}` at the home (spec §11.7). */
export async function issuedGrantResource(deps: HomeDeps, id: string): Promise<Grant | undefined> {
  const tokenKey = tokenKeyInGrantId(id);
  if (!tokenKey) return undefined;
  const record = await deps.ledger.issuedGrant(tokenKey, id, deps.clock.now());
  return record && signed(deps, tokenKey, record);
}

/** The signed grant report of a period (spec §11.8), both sides' grants, ms bounds. */
export async function grantReport(
  deps: HomeDeps,
  period: { from: string; to: string; fromMs: number; toMs: number },
  peer?: string,
): Promise<GrantReport> {
  const [issued, held] = await Promise.all([
    deps.ledger.issuedGrants(period.fromMs, period.toMs, peer),
    deps.ledger.heldGrantsBetween(period.fromMs, period.toMs, peer),
  ]);
  return signGrantReport(
    {
      gateway: deps.network.gatewayId,
      period: { from: period.from, to: period.to },
      ...(peer !== undefined ? { peer } : {}),
      generated_at: new Date(deps.clock.now()).toISOString(),
      grants: [...issued, ...held].map(reportEntryOf),
    },
    await deps.receiptKeys.signingKey(),
  );
}
