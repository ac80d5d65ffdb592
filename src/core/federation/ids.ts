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

const GRANT_ID = /^gt\.([A-Za-z0-9_-]{43})\.[A-Za-z0-9_-]{22}$/;

/** The token key inside a grant id this gateway issued, or `undefined` for any other id. */
export function tokenKeyInGrantId(id: string): string | undefined {
  return GRANT_ID.exec(id)?.[1];
}
