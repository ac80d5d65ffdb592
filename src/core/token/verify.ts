/**
 * @module The verification algorithm of `spec/oct.md` §6.2, step by step. Each
 * refusal is an `OctError` with the step's code; only a token that passes
 * every step comes back as a {@link VerifiedToken}.
 */
import { OctError } from "../errors.ts";
import type { PublicJwk } from "../keys/jwk.ts";
import type { Carrier, Network } from "../network/config.ts";
import type { Clock } from "../../ports/clock.ts";
import type { KeySource } from "../../ports/keys.ts";
import { checkClaims, DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, type TokenClaims } from "./claims.ts";
import { checkHeader, type TokenHeader } from "./header.ts";
import { decodeJsonObject, readHeader, splitCompact } from "./parse.ts";
import { VERIFICATION_STEPS, type ProfileCheck, type VerifyOptions } from "./profile.ts";
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
  /**
   * Checks to leave out, for every verification in this context. Never set
   * in production: only the conformance suite's self-test builds a
   * deliberately weakened gateway with it.
   */
  omit?: ReadonlySet<ProfileCheck>;
}

const [SIZE, COMPACT, HEADER, PAYLOAD, ISSUER, KEY, SIGNATURE, CLAIMS] = VERIFICATION_STEPS;

/**
 * Verifies an OCT token against the network's trust registry.
 *
 * @example
 * const { claims, carrier } = await verifyToken(token, { network, keys, clock });
 */
export async function verifyToken(
  token: unknown,
  context: VerifyContext,
  options: VerifyOptions = {},
): Promise<VerifiedToken> {
  const { network, clock } = context;
  const { onStep } = options;
  const omit = options.omit ?? context.omit;
  const limits = network.limits;

  // Steps 1-4: size, compact format, strict JSON header and its profile, payload.
  onStep?.(SIZE);
  const split = splitCompact(
    token,
    { maxBytes: limits.token_max_bytes, ...(omit ? { omit } : {}) },
    () => onStep?.(COMPACT),
  );
  onStep?.(HEADER);
  const parsed = readHeader(split, omit);
  const header = checkHeader(parsed.header, omit);
  onStep?.(PAYLOAD);
  const payload = decodeJsonObject(parsed.payloadBytes, "payload", omit);

  // Step 5: the issuer, by exact match only (RFC 8725 §3.8). Nothing of the
  // payload is trusted yet; `iss` only picks whose keys to try.
  onStep?.(ISSUER);
  const carrier = carrierOf(network, payload.iss, omit);
  if (carrier.status === "suspended" && !omit?.has("carrier-active")) {
    throw new OctError("carrier_suspended", `carrier ${carrier.id} is suspended`);
  }
  if (!carrier.algorithms.includes(header.alg) && !omit?.has("carrier-algorithms")) {
    throw new OctError("alg_not_allowed", `carrier ${carrier.id} does not sign with ${header.alg}`);
  }

  // Step 6: the key, by kid within this carrier only.
  onStep?.(KEY);
  const jwk = await keyOf(context, carrier, header.kid, omit);

  // Step 7: the signature.
  onStep?.(SIGNATURE);
  if (!omit?.has("signature")) await verifySignature(parsed, jwk, header.alg, omit);

  // Step 8: the claims.
  onStep?.(CLAIMS);
  const claims = checkClaims(payload, {
    now: Math.floor(clock.now() / 1000),
    clockSkewSeconds: limits.clock_skew_seconds,
    maxLifetimeSeconds: carrier.max_token_lifetime ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
    ...(omit ? { omit } : {}),
  });
  return { header, claims, carrier, identity: { iss: claims.iss, jti: claims.jti } };
}

function carrierOf(network: Network, iss: unknown, omit: VerifyOptions["omit"]): Carrier {
  if (typeof iss !== "string") throw new OctError("issuer_untrusted", "the token has no iss");
  const carrier =
    network.carrierByIssuer(iss) ??
    // A weakened gateway that trusts any issuer falls back to the first carrier.
    (omit?.has("issuer-trusted") ? network.carriers[0] : undefined);
  if (!carrier)
    throw new OctError("issuer_untrusted", `issuer ${JSON.stringify(iss)} is not trusted`);
  return carrier;
}

async function keyOf(
  { network, keys }: VerifyContext,
  carrier: Carrier,
  kid: string,
  omit: VerifyOptions["omit"],
): Promise<PublicJwk> {
  let jwk = await keys.keyFor(carrier, kid);
  if (!jwk && omit?.has("key-in-carrier")) {
    // A weakened gateway that takes a key from any carrier.
    for (const other of network.carriers) jwk ??= await keys.keyFor(other, kid);
  }
  if (!jwk) throw new OctError("key_unknown", `carrier ${carrier.id} has no key ${kid}`);
  return jwk;
}
