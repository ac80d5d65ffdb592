/**
 * @module A party's client assertion (`spec/oct.md` §7.13), checked as
 * strictly as a token: our own parser for the form (canonical base64url,
 * strict JSON, which jose does not insist on), the closed header, the
 * party's own keys by `kid` (never a key or URL the header brings), then jose
 * verifies the signature and the registered claims, and the schema and the
 * lifetime rule the rest. Only then is the `jti` claimed, once.
 */
import { errors as joseErrors, jwtVerify } from "jose";
import { validateClientAssertionClaims } from "../../generated/validators.js";
import type { ClientAssertionClaims } from "../../generated/types.ts";
import { OctError } from "../errors.ts";
import { importVerificationKey } from "../keys/import.ts";
import { keyFitsAlgorithm } from "../keys/jwk.ts";
import type { Network } from "../network/config.ts";
import { isAllowedAlgorithm, isWellFormedKid } from "../token/header.ts";
import { decodeJsonObject, parseCompact } from "../token/parse.ts";
import { schemaErrors } from "../validation.ts";
import type { AssertionJtis } from "../../ports/assertion-jtis.ts";
import type { KeySource } from "../../ports/keys.ts";
import { partyOf, type Party } from "./party.ts";

export const CLIENT_ASSERTION_TYPE = "oct-client+jwt";
/** The longest life of an assertion, `exp - iat`, in seconds. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;

export interface AssertionContext {
  network: Network;
  keys: KeySource;
  assertions: AssertionJtis;
  /** ms since the epoch. */
  now: number;
}

const invalid = (why: string, cause?: unknown) =>
  new OctError("client_assertion_invalid", `the client assertion ${why}`, {
    ...(cause !== undefined ? { cause } : {}),
  });

/**
 * The party that signed `credential`, after steps 2 to 6 of §7.13.
 *
 * @example
 * const party = await authenticateParty(bearer, { network, keys, assertions, now: clock.now() });
 */
export async function authenticateParty(
  credential: string,
  context: AssertionContext,
): Promise<Party> {
  const { network, now } = context;
  const skew = network.limits.clock_skew_seconds;

  // Step 2: the form and the closed header.
  let parsed;
  try {
    parsed = parseCompact(credential, { maxBytes: network.limits.token_max_bytes });
  } catch (error) {
    throw invalid(`is not a compact JWS: ${(error as Error).message}`, error);
  }
  const { alg, typ, kid } = parsed.header;
  if (Object.keys(parsed.header).sort().join(",") !== "alg,kid,typ")
    throw invalid("has a header other than exactly alg, typ and kid");
  if (typ !== CLIENT_ASSERTION_TYPE)
    throw invalid(`has typ ${JSON.stringify(typ)}, not ${CLIENT_ASSERTION_TYPE}`);
  if (!isAllowedAlgorithm(alg)) throw invalid(`has alg ${JSON.stringify(alg)}, not allowed`);
  if (!isWellFormedKid(kid))
    throw invalid("has a kid that is not 1 to 128 printable ASCII characters");
  let payload: Record<string, unknown>;
  try {
    payload = decodeJsonObject(parsed.payloadBytes, "payload");
  } catch (error) {
    throw invalid(`has a payload that ${(error as Error).message.replace(/^the payload /, "")}`);
  }

  // Step 3: iss only picks whose keys to try.
  const party = partyOf(network, payload.iss);
  if (!party)
    throw new OctError(
      "party_unknown",
      `${JSON.stringify(payload.iss)} names no party of this gateway with keys to authenticate with`,
    );

  // Step 4: the party's own key by kid, fitting alg; jose checks the signature.
  if (!party.algorithms.includes(alg))
    throw invalid(`is signed with ${alg}, which ${party.reference} does not use`);
  const jwk = await context.keys.keyFor(party.keys, kid);
  if (!jwk || (jwk.alg !== undefined && jwk.alg !== alg) || !keyFitsAlgorithm(jwk, alg))
    throw invalid(`is signed with a key ${party.reference} does not have for ${alg}`);
  try {
    await jwtVerify(credential, await importVerificationKey(jwk, alg), {
      algorithms: [alg],
      typ: CLIENT_ASSERTION_TYPE,
      // Step 5's registered claims, as jose reads them.
      issuer: party.reference,
      subject: party.reference,
      audience: network.gatewayId,
      clockTolerance: skew,
      currentDate: new Date(now),
      requiredClaims: ["iat", "exp", "jti"],
    });
  } catch (error) {
    if (error instanceof joseErrors.JWSSignatureVerificationFailed)
      throw invalid("has a signature that does not verify", error);
    if (error instanceof joseErrors.JOSEError) throw invalid(`is refused: ${error.message}`, error);
    throw error;
  }

  // Step 5: what jose does not check.
  if (!validateClientAssertionClaims(payload)) {
    const first = schemaErrors(validateClientAssertionClaims)[0];
    throw invalid(`has an invalid claim ${first?.pointer || "(root)"}: ${first?.message}`);
  }
  const claims = payload as unknown as ClientAssertionClaims;
  const nowSeconds = Math.floor(now / 1000);
  if (claims.aud !== network.gatewayId) throw invalid("has an aud other than this gateway's id");
  if (claims.iat > nowSeconds + skew) throw invalid(`was made in the future (iat ${claims.iat})`);
  if (claims.exp - claims.iat > MAX_ASSERTION_LIFETIME_SECONDS)
    throw invalid(`lives longer than ${MAX_ASSERTION_LIFETIME_SECONDS} seconds (exp - iat)`);

  // Step 6: one use, remembered until it could no longer pass step 5.
  const keepUntil = (claims.exp + skew) * 1000;
  if (!(await context.assertions.claim(party.reference, claims.jti, keepUntil, now)))
    throw new OctError(
      "client_assertion_replayed",
      `${party.reference} already used the client assertion ${claims.jti}`,
    );
  return party;
}
