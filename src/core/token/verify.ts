/**
 * @module The verification algorithm of `spec/oct.md` §6, step by step. Each
 * refusal is an `OctError` with the step's code; only a token that passes
 * every step comes back as a {@link VerifiedToken}.
 */
import { OctError } from "../errors.ts";
import type { Carrier, Network } from "../network/config.ts";
import type { Clock } from "../../ports/clock.ts";
import type { KeySource } from "../../ports/keys.ts";
import { checkClaims, DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, type TokenClaims } from "./claims.ts";
import { checkHeader, type TokenHeader } from "./header.ts";
import { decodeJsonObject, parseCompact } from "./parse.ts";
import { verifySignature } from "./signature.ts";

export interface TokenIdentity {
  iss: string;
  jti: string;
}

export interface VerifiedToken {
  header: TokenHeader;
  claims: TokenClaims;
  carrier: Carrier;
  identity: TokenIdentity;
}

export interface VerifyContext {
  network: Network;
  keys: KeySource;
  clock: Clock;
}

/**
 * Verifies an OCT token against the network's trust registry.
 *
 * @example
 * const { claims, carrier } = await verifyToken(token, { network, keys, clock });
 */
export async function verifyToken(token: unknown, context: VerifyContext): Promise<VerifiedToken> {
  const { network, keys, clock } = context;
  const limits = network.limits;

  // Steps 1-4: size, compact format, strict JSON.
  const parsed = parseCompact(token, { maxBytes: limits.token_max_bytes });
  const header = checkHeader(parsed.header);
  const payload = decodeJsonObject(parsed.payloadBytes, "payload");

  // Step 5: the issuer, by exact match only (RFC 8725 §3.8). Nothing of the
  // payload is trusted yet; `iss` only picks whose keys to try.
  const iss = payload.iss;
  if (typeof iss !== "string") throw new OctError("issuer_untrusted", "the token has no iss");
  const carrier = network.carrierByIssuer(iss);
  if (!carrier)
    throw new OctError("issuer_untrusted", `issuer ${JSON.stringify(iss)} is not trusted`);
  if (carrier.status === "suspended") {
    throw new OctError("carrier_suspended", `carrier ${carrier.id} is suspended`);
  }
  if (!carrier.algorithms.includes(header.alg)) {
    throw new OctError("alg_not_allowed", `carrier ${carrier.id} does not sign with ${header.alg}`);
  }

  // Step 6: the key, by kid within this carrier only.
  const jwk = await keys.keyFor(carrier, header.kid);
  if (!jwk) throw new OctError("key_unknown", `carrier ${carrier.id} has no key ${header.kid}`);

  // Step 7: the signature.
  await verifySignature(parsed, jwk, header.alg);

  // Step 8: the claims.
  const claims = checkClaims(payload, {
    now: Math.floor(clock.now() / 1000),
    clockSkewSeconds: limits.clock_skew_seconds,
    maxLifetimeSeconds: carrier.max_token_lifetime ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  });
  return { header, claims, carrier, identity: { iss: claims.iss, jti: claims.jti } };
}
