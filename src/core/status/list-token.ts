/**
 * @module A carrier's Status List Token (`spec/oct.md` §6.5 item 2): checked
 * as strictly as an OCT token's form and signature (our parser, the closed
 * header, the carrier's algorithms and keys only), then its claims
 * (`status-list-claims.schema.json`, `sub` equal to the URL it came from,
 * times) and the list itself, inflated within its bound. Any failure makes
 * the fetched list unusable; the adapter keeps the last good one.
 */
import { validateStatusListClaims } from "../../generated/validators.js";
import type { StatusListClaims } from "../../generated/types.ts";
import { OctError } from "../errors.ts";
import type { Carrier } from "../network/config.ts";
import { isAllowedAlgorithm, isWellFormedKid } from "../token/header.ts";
import { decodeJsonObject, parseCompact } from "../token/parse.ts";
import { verifySignature } from "../token/signature.ts";
import { schemaErrors } from "../validation.ts";
import type { KeySource } from "../../ports/keys.ts";
import type { SignatureVerifier } from "../../ports/signatures.ts";
import { decompressStatusList, StatusListError, type StatusList } from "./status-list.ts";

export const STATUS_LIST_TYPE = "statuslist+jwt";

/** A list whose token verified, with what decides how long it may serve. */
export interface VerifiedStatusList {
  list: StatusList;
  /** NumericDates and seconds, as the token carries them. */
  iat: number;
  exp?: number;
  ttl?: number;
}

export interface StatusListContext {
  keys: KeySource;
  signatures: SignatureVerifier;
  /** ms since the epoch. */
  now: number;
  clockSkewSeconds: number;
  /** `status_list_max_bytes`: the token, and the list once inflated. */
  maxBytes: number;
}

/** Why a fetched status list cannot be used, in a sentence. */
export class StatusListTokenError extends Error {
  override name = "StatusListTokenError";
}

/**
 * Verifies `jws` as the status list of `carrier` published at `uri`.
 *
 * @example
 * const { list, ttl } = await verifyStatusListToken(body, carrier, uri, context);
 */
export async function verifyStatusListToken(
  jws: string,
  carrier: Carrier,
  uri: string,
  context: StatusListContext,
): Promise<VerifiedStatusList> {
  try {
    return await verify(jws, carrier, uri, context);
  } catch (error) {
    if (error instanceof StatusListTokenError) throw error;
    // The parser's and the signature's refusals, and keys_unavailable: the list is unusable.
    if (error instanceof OctError || error instanceof StatusListError)
      throw new StatusListTokenError(`the status list at ${uri}: ${error.message}`, {
        cause: error,
      });
    throw error;
  }
}

async function verify(
  jws: string,
  carrier: Carrier,
  uri: string,
  context: StatusListContext,
): Promise<VerifiedStatusList> {
  const fail = (why: string) => new StatusListTokenError(`the status list at ${uri} ${why}`);
  const parsed = parseCompact(jws, { maxBytes: context.maxBytes });
  const { alg, typ, kid } = parsed.header;
  if (Object.keys(parsed.header).sort().join(",") !== "alg,kid,typ")
    throw fail("has a header other than exactly alg, typ and kid");
  if (typ !== STATUS_LIST_TYPE) throw fail(`has typ ${JSON.stringify(typ)}, not statuslist+jwt`);
  if (!isAllowedAlgorithm(alg) || !carrier.algorithms.includes(alg))
    throw fail(`is signed with ${JSON.stringify(alg)}, which carrier ${carrier.id} does not use`);
  if (!isWellFormedKid(kid)) throw fail("has a malformed kid");
  // The carrier's own keys only, as for its tokens (spec §6.2 step 6).
  const jwk = await context.keys.keyFor(carrier, kid);
  if (!jwk) throw fail(`is signed with key ${kid}, which carrier ${carrier.id} does not have`);
  await verifySignature(parsed, jwk, alg, context.signatures);

  const claims = decodeJsonObject(parsed.payloadBytes, "payload");
  if (!validateStatusListClaims(claims)) {
    const first = schemaErrors(validateStatusListClaims)[0];
    throw fail(`has an invalid claim ${first?.pointer || "(root)"}: ${first?.message}`);
  }
  const { sub, iat, exp, ttl, status_list } = claims as StatusListClaims;
  if (sub !== uri) throw fail(`names another list in sub (${sub})`);
  const now = Math.floor(context.now / 1000);
  if (iat > now + context.clockSkewSeconds) throw fail(`was issued in the future (iat ${iat})`);
  if (exp !== undefined && exp < iat) throw fail("expires before it was issued");
  const list = await decompressStatusList(status_list.lst, status_list.bits, context.maxBytes);
  return {
    list,
    iat,
    ...(exp !== undefined ? { exp } : {}),
    ...(ttl !== undefined ? { ttl } : {}),
  };
}
