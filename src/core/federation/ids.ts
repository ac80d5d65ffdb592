/**
 * @module Identifiers of federation (`spec/oct.md` §11.3), 128 random bits
 * each (the spec asks for 122). The grant ids this gateway issues as a home
 * carry the token's ledger key, as redemption ids do, so that a usage report
 * is routed to the one place that owns the token (a Durable Object, a row)
 * before anything is verified. Ids chosen by other gateways (their request
 * ids, their grant ids) are opaque: never parsed for routing.
 */
import { encodeBase64Url } from "../encoding/base64url.ts";

export type FederationIdKind = "gt" | "gr" | "us";

/**
 * A new id: `<kind>.<token key>.<random>`, or `<kind>.<random>` without a token key.
 *
 * @example
 * newFederationId("gt", tokenKey) // "gt.x0Vq…(43).Pq3…(22)"
 */
export function newFederationId(kind: FederationIdKind, tokenKey?: string): string {
  const random = encodeBase64Url(crypto.getRandomValues(new Uint8Array(16)));
  return tokenKey === undefined ? `${kind}.${random}` : `${kind}.${tokenKey}.${random}`;
}

const encoder = new TextEncoder();

/**
 * The id of the grant that answers a grant request: `gt.<token key>.<22
 * characters>` derived from the requesting gateway and its request id. A
 * retry of the request names the same grant before anything is looked up,
 * so a crash between placing the hold and recording the grant cannot leave a
 * second hold for one request (spec §11.5 step 3). Unguessable all the same:
 * the request id has at least 122 random bits and only the two gateways see it.
 *
 * @example
 * await grantIdFor(tokenKey, "https://gw.carrier-b.example", claims.jti)
 */
export async function grantIdFor(
  tokenKey: string,
  visited: string,
  requestId: string,
): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(`${visited}\n${requestId}`));
  return `gt.${tokenKey}.${encodeBase64Url(new Uint8Array(digest).slice(0, 16))}`;
}

const GRANT_ID = /^gt\.([A-Za-z0-9_-]{43})\.[A-Za-z0-9_-]{22}$/;

/** The token key inside a grant id this gateway issued, or `undefined` for any other id. */
export function tokenKeyInGrantId(id: string): string | undefined {
  return GRANT_ID.exec(id)?.[1];
}
