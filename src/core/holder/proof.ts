/**
 * @module Holder proofs (`spec/oct.md` §6.6): the DPoP proof JWT [RFC 9449]
 * that a request for a token bound with `cnf.jkt` carries in its `DPoP`
 * header field. jose verifies the signature with the proof's own `jwk` and
 * the claims' presence and `iat` window; the rules jose leaves open (an exact
 * `typ`, a closed header, a public key fit for `alg`, the request's method,
 * URL and token) are checked here. Whether its `jti` was seen before is the
 * ledger's to say (`binding.ts`).
 */
import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  errors as joseErrors,
  importJWK,
  jwtVerify,
  type JWK,
} from "jose";
import { encodeBase64Url } from "../encoding/base64url.ts";
import { OctError } from "../errors.ts";
import { keyFitsAlgorithm, type PublicJwk } from "../keys/jwk.ts";
import { ALLOWED_ALGORITHMS, type Algorithm } from "../token/header.ts";

export const PROOF_TYPE = "dpop+jwt";

/**
 * Algorithms a holder proof may use: those of tokens, and `Ed25519`, the
 * fully specified name of EdDSA over Ed25519 (RFC 9864) that DPoP clients
 * such as the `dpop` package sign with.
 */
export const PROOF_ALGORITHMS = [...ALLOWED_ALGORITHMS, "Ed25519"] as const;
export type ProofAlgorithm = (typeof PROOF_ALGORITHMS)[number];

/** The proof's `jti`: the token `jti` grammar, so it is stored as it comes. */
const PROOF_JTI = /^[A-Za-z0-9._~-]{1,128}$/;
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];
const HEADER_MEMBERS = ["alg", "typ", "jwk"];

/** The request a proof must be made for. */
export interface ProofTarget {
  /** The request's method, e.g. `POST`. */
  method: string;
  /** The gateway's own URL of the request, without query or fragment (§6.6). */
  url: string;
  /**
   * `under`: `htu` may be `url` or any URL under it. A home checks so the
   * proof a grant request carries through (§11.5 step 4): it was made for
   * an endpoint of the visited gateway, whose base URL is all the home knows.
   */
  matching?: "exact" | "under";
}

export interface ProofWindow {
  /** `dpop_max_age_seconds` (§5.8). */
  maxAgeSeconds: number;
  /** `clock_skew_seconds`. */
  skewSeconds: number;
  /** The longest proof accepted, in octets (`token_max_bytes`). */
  maxBytes: number;
}

/** A proof that passed every check but the replay check. */
export interface CheckedProof {
  jti: string;
  /** Until when the proof could be accepted, ms since the epoch: its `jti` is kept that long. */
  usableUntil: number;
}

const invalid = (detail: string) => new OctError("holder_proof_invalid", detail);
const encoder = new TextEncoder();

/** base64url(SHA-256(token)): the `ath` of a proof for `token` (RFC 9449 §4.2). */
export async function accessTokenHash(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(token));
  return encodeBase64Url(new Uint8Array(digest));
}

/**
 * Checks a holder proof for a token bound to `jkt`, as of `now` (ms).
 * Refusals carry the codes of §6.6; the replay check is left to the caller.
 *
 * @example
 * const { jti } = await checkHolderProof(header, token, claims.cnf.jkt, target, window, Date.now());
 */
export async function checkHolderProof(
  proof: string | undefined,
  token: string,
  jkt: string,
  target: ProofTarget,
  window: ProofWindow,
  now: number,
): Promise<CheckedProof> {
  if (proof === undefined || proof === "") {
    throw new OctError(
      "holder_proof_missing",
      "this token is bound to a holder key: the request needs a DPoP proof",
    );
  }
  // A compact JWS has no comma: one means two fields joined (RFC 9110 §5.3).
  if (proof.includes(",")) throw invalid("more than one DPoP header field");
  if (proof.length > window.maxBytes)
    throw invalid(`the DPoP proof is longer than ${window.maxBytes} octets`);
  const { alg, jwk } = checkProofHeader(proof);

  const thumbprint = await calculateJwkThumbprint(jwk as JWK, "sha256");
  if (thumbprint !== jkt) {
    throw new OctError(
      "holder_key_mismatch",
      `the proof's key has the thumbprint ${thumbprint}, the token is bound to ${jkt}`,
    );
  }

  const claims = await verifyProofJwt(proof, jwk, alg, window, now);
  if (typeof claims.jti !== "string" || !PROOF_JTI.test(claims.jti))
    throw invalid("the proof's jti must match ^[A-Za-z0-9._~-]{1,128}$");
  for (const name of ["htm", "htu", "ath"] as const) {
    if (typeof claims[name] !== "string") throw invalid(`the proof's ${name} must be a string`);
  }
  if (claims.htm !== target.method) {
    throw new OctError(
      "holder_proof_target_mismatch",
      `the proof is for the method ${String(claims.htm)}, this request is ${target.method}`,
    );
  }
  if (!targets(claims.htu as string, target)) {
    throw new OctError(
      "holder_proof_target_mismatch",
      target.matching === "under"
        ? `the proof is for ${String(claims.htu)}, not a URL under ${target.url}`
        : `the proof is for ${String(claims.htu)}, this request is ${target.url}`,
    );
  }
  if (claims.ath !== (await accessTokenHash(token))) {
    throw new OctError(
      "holder_proof_token_mismatch",
      "the proof's ath is not the SHA-256 hash of this token",
    );
  }
  const iat = claims.iat as number;
  return {
    jti: claims.jti,
    usableUntil: (iat + window.maxAgeSeconds + window.skewSeconds + 1) * 1000,
  };
}

/**
 * The closed header of §6.6 step 2. jose alone would take `typ`
 * `DPOP+JWT` or `application/dpop+jwt` (it compares media types), a private
 * `jwk` (it would import and verify with it), or extra members such as
 * `crit` or `kid`: the profile is exact, so this is checked by hand.
 */
function checkProofHeader(proof: string): { alg: ProofAlgorithm; jwk: PublicJwk } {
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(proof) as Record<string, unknown>;
  } catch {
    throw invalid("the DPoP proof is not a JWS in compact form with a JSON header");
  }
  const extra = Object.keys(header).filter((name) => !HEADER_MEMBERS.includes(name));
  if (extra.length > 0)
    throw invalid(`the proof header has other members than alg, typ, jwk: ${extra.join(", ")}`);
  if (header.typ !== PROOF_TYPE) throw invalid(`the proof's typ must be exactly ${PROOF_TYPE}`);
  const alg = header.alg;
  if (!(PROOF_ALGORITHMS as readonly unknown[]).includes(alg))
    throw invalid(`the proof's alg ${JSON.stringify(alg)} is not allowed`);
  const jwk = header.jwk;
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk))
    throw invalid("the proof header needs a jwk object");
  const members = jwk as Record<string, unknown>;
  const secret = PRIVATE_MEMBERS.find((member) => member in members);
  if (secret !== undefined) throw invalid(`the proof's jwk has the private member "${secret}"`);
  const fitsAs: Algorithm = alg === "Ed25519" ? "EdDSA" : (alg as Algorithm);
  if (!keyFitsAlgorithm(members as unknown as PublicJwk, fitsAs))
    throw invalid(`the proof's jwk is not a ${String(alg)} key`);
  return { alg: alg as ProofAlgorithm, jwk: members as unknown as PublicJwk };
}

async function verifyProofJwt(
  proof: string,
  jwk: PublicJwk,
  alg: ProofAlgorithm,
  window: ProofWindow,
  now: number,
): Promise<Record<string, unknown>> {
  let key;
  try {
    key = await importJWK({ ...(jwk as JWK), ext: true }, alg);
  } catch {
    throw invalid("the proof's jwk is not a usable public key");
  }
  try {
    const { payload } = await jwtVerify(proof, key, {
      algorithms: [alg],
      requiredClaims: ["jti", "htm", "htu", "iat", "ath"],
      maxTokenAge: window.maxAgeSeconds,
      clockTolerance: window.skewSeconds,
      currentDate: new Date(now),
    });
    return payload as Record<string, unknown>;
  } catch (error) {
    if (
      (error instanceof joseErrors.JWTExpired ||
        error instanceof joseErrors.JWTClaimValidationFailed) &&
      error.claim === "iat" &&
      error.reason === "check_failed"
    ) {
      throw new OctError(
        "holder_proof_stale",
        `the proof's iat is outside the ${window.maxAgeSeconds} s window (skew ${window.skewSeconds} s)`,
      );
    }
    if (error instanceof joseErrors.JWSSignatureVerificationFailed)
      throw invalid("the proof's signature does not verify with its jwk");
    throw invalid(`the DPoP proof is not valid: ${(error as Error).message}`);
  }
}

/** Whether `htu` names the target's URL (or, `under`, a URL under it). */
function targets(htu: string, target: ProofTarget): boolean {
  const named = withoutQuery(htu);
  const url = withoutQuery(target.url);
  if (named === undefined || url === undefined) return false;
  if (target.matching !== "under") return named === url;
  // Normalised, so `..` segments cannot climb out of the base path.
  const base = url.endsWith("/") ? url : `${url}/`;
  return named === url || named.startsWith(base);
}

/** RFC 9449 §4.3: `htu` is compared without query and fragment, after URL normalisation. */
function withoutQuery(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    parsed.search = "";
    parsed.hash = "";
    return parsed.href;
  } catch {
    return undefined;
  }
}
