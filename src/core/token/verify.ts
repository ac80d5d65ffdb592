/**
 * @module The verification algorithm of `spec/oct.md` §6.2, step by step. Each
 * refusal is an `OctError` with the step's code; only a token that passes
 * every step comes back as a {@link VerifiedToken}. What varies by runtime
 * (the network, its carriers' keys and status lists, the clock, the
 * signature backend) comes in through ports; nothing here can be switched off.
 */
import { OctError } from "../errors.ts";
import type { PublicJwk } from "../keys/jwk.ts";
import type { Carrier, Network } from "../network/config.ts";
import type { Clock } from "../../ports/clock.ts";
import type { KeySource } from "../../ports/keys.ts";
import type { SignatureVerifier } from "../../ports/signatures.ts";
import type { StatusListSource } from "../../ports/status-lists.ts";
import { checkTokenStatus } from "../status/check.ts";
import { checkClaims, DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, type TokenClaims } from "./claims.ts";
import { checkHeader, type TokenHeader } from "./header.ts";
import { decodeJsonObject, readHeader, splitCompact } from "./parse.ts";
import { VERIFICATION_STEPS, type VerificationStep } from "./steps.ts";
import { verifySignature } from "./signature.ts";
import type { VerifiedTokenCache } from "./verified-cache.ts";

export interface TokenIdentity {
  readonly iss: string;
  readonly jti: string;
}

export interface VerifiedToken {
  header: TokenHeader;
  claims: TokenClaims;
  carrier: Carrier;
  identity: TokenIdentity;
}

/** The ports verification reads: the trust registry, keys, status lists, time and signatures. */
export interface VerifyContext {
  network: Network;
  keys: KeySource;
  statusLists: StatusListSource;
  clock: Clock;
  signatures: SignatureVerifier;
  /** Outcomes of steps 1 to 8 kept for tokens seen before (§6.4); none, none kept. */
  verifiedTokens?: VerifiedTokenCache;
}

export interface VerifyOptions {
  /** Told of each step as verification enters it (it changes nothing). */
  onStep?: (step: VerificationStep) => void;
}

const [SIZE, COMPACT, HEADER, PAYLOAD, ISSUER, KEY, SIGNATURE, CLAIMS, STATUS] = VERIFICATION_STEPS;

/**
 * Verifies an OCT token against the network's trust registry: steps 1 to 8,
 * from the context's verified-token cache when it keeps the token's outcome,
 * then the token's status (step 9), which is checked on every call.
 *
 * @example
 * const { claims, carrier } = await verifyToken(token, { network, keys, statusLists, clock, signatures });
 */
export async function verifyToken(
  token: unknown,
  context: VerifyContext,
  options: VerifyOptions = {},
): Promise<VerifiedToken> {
  const cache = context.verifiedTokens;
  const verified = cache
    ? await cache.verify(token, context, (t, c) => verifySignedToken(t, c, options))
    : await verifySignedToken(token, context, options);
  options.onStep?.(STATUS);
  await checkTokenStatus(verified.claims, verified.carrier, context.statusLists);
  return verified;
}

/**
 * Steps 1 to 8 in full, never from a cache: what the token, the
 * configuration, the carrier's keys and the clock say, and what the
 * verified-token cache keeps the outcome of (`verified-cache.ts`, spec §6.4).
 * The status of step 9 may not be kept, so whatever keeps this outcome must
 * still call {@link checkTokenStatus} on every verification.
 */
export async function verifySignedToken(
  token: unknown,
  context: Omit<VerifyContext, "statusLists">,
  options: VerifyOptions = {},
): Promise<VerifiedToken> {
  const { network, keys, clock, signatures } = context;
  const { onStep } = options;
  const limits = network.limits;

  // Steps 1-4: size, compact format, strict JSON header and its profile, payload.
  onStep?.(SIZE);
  const split = splitCompact(token, { maxBytes: limits.token_max_bytes }, () => onStep?.(COMPACT));
  onStep?.(HEADER);
  const parsed = readHeader(split);
  const header = checkHeader(parsed.header);
  onStep?.(PAYLOAD);
  const payload = decodeJsonObject(parsed.payloadBytes, "payload");

  // Step 5: the issuer, by exact match only (RFC 8725 §3.8). Nothing of the
  // payload is trusted yet; `iss` only picks whose keys to try.
  onStep?.(ISSUER);
  const carrier = carrierOf(network, payload.iss);
  if (carrier.status === "suspended") {
    throw new OctError("carrier_suspended", `carrier ${carrier.id} is suspended`);
  }
  if (!carrier.algorithms.includes(header.alg)) {
    throw new OctError("alg_not_allowed", `carrier ${carrier.id} does not sign with ${header.alg}`);
  }

  // Step 6: the key, by kid within this carrier only.
  onStep?.(KEY);
  const jwk = await keyOf(keys, carrier, header.kid);

  // Step 7: the signature.
  onStep?.(SIGNATURE);
  await verifySignature(parsed, jwk, header.alg, signatures);

  // Step 8: the claims.
  onStep?.(CLAIMS);
  const claims = checkClaims(payload, {
    now: Math.floor(clock.now() / 1000),
    clockSkewSeconds: limits.clock_skew_seconds,
    maxLifetimeSeconds: carrier.max_token_lifetime ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  });
  return { header, claims, carrier, identity: { iss: claims.iss, jti: claims.jti } };
}

/**
 * Whether a refusal is not the token's fault: its carrier's keys or status
 * list cannot be had now. `POST /v1/verify` answers these as 503 problems,
 * never as a verdict on the token (spec §7.5).
 */
export function isUnavailable(error: OctError): boolean {
  return error.code === "keys_unavailable" || error.code === "status_unavailable";
}

function carrierOf(network: Network, iss: unknown): Carrier {
  if (typeof iss !== "string") throw new OctError("issuer_untrusted", "the token has no iss");
  const carrier = network.carrierByIssuer(iss);
  if (!carrier)
    throw new OctError("issuer_untrusted", `issuer ${JSON.stringify(iss)} is not trusted`);
  return carrier;
}

async function keyOf(keys: KeySource, carrier: Carrier, kid: string): Promise<PublicJwk> {
  const jwk = await keys.keyFor(carrier, kid);
  if (!jwk) throw new OctError("key_unknown", `carrier ${carrier.id} has no key ${kid}`);
  return jwk;
}
