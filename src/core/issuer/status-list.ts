/**
 * @module Signing a Status List Token (`spec/oct.md` §6.5): what a
 * carrier's status service publishes at each list's URL, here for the
 * `oct status-list` commands, the tests and the conformance suite's lists.
 */
import { CompactSign, importJWK } from "jose";
import type { PrivateJwk } from "../signing/keys.ts";
import { STATUS_LIST_TYPE } from "../status/list-token.ts";
import { compressStatusList, type StatusList } from "../status/status-list.ts";

export interface StatusListTerms {
  /** The list's URL: its `sub`, and the `uri` its tokens carry. */
  uri: string;
  /** NumericDate of issue. */
  iat: number;
  /** NumericDate after which the list must not be used. */
  exp?: number;
  /** Seconds a gateway may use it before fetching it again. */
  ttl?: number;
  /** The carrier's issuer, as informative `iss` (gateways do not read it). */
  iss?: string;
}

const encoder = new TextEncoder();

/**
 * Signs `list` as the Status List Token of `terms.uri` with a carrier key.
 *
 * @example
 * const jws = await signStatusList(list, { uri, iat: now, ttl: 300, exp: now + 86400 }, key);
 */
export async function signStatusList(
  list: StatusList,
  terms: StatusListTerms,
  key: PrivateJwk,
): Promise<string> {
  const claims = {
    ...(terms.iss !== undefined ? { iss: terms.iss } : {}),
    sub: terms.uri,
    iat: terms.iat,
    ...(terms.exp !== undefined ? { exp: terms.exp } : {}),
    ...(terms.ttl !== undefined ? { ttl: terms.ttl } : {}),
    status_list: { bits: list.bits, lst: await compressStatusList(list) },
  };
  return new CompactSign(encoder.encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: key.alg, typ: STATUS_LIST_TYPE, kid: key.kid })
    .sign(await importJWK(key, key.alg));
}
