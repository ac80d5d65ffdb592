/**
 * @module Carrier key sets (`spec/oct.md` §5.4): signing keys only, no
 * private members, RSA of 2048 to 8192 bits, EC points on their curve,
 * `alg`/`kty`/`crv` consistent, and the JWK Set schema (closed members,
 * `kid` pattern). One validation, applied alike to inline `jwks` at load and
 * to fetched `jwks_uri` documents.
 */
import { validateJwks } from "../../generated/validators.js";
import { decodeBase64Url } from "../encoding/base64url.ts";
import { isAllowedAlgorithm, type Algorithm } from "../token/header.ts";
import { isOnCurve } from "./curve.ts";

/** A public JWK that passed {@link checkPublicJwk}. */
export interface PublicJwk {
  kty: "OKP" | "EC" | "RSA";
  kid: string;
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  alg?: Algorithm;
  use?: "sig";
  key_ops?: string[];
}

export const MIN_RSA_BITS = 2048;
export const MAX_RSA_BITS = 8192;
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/** Which key type and curve an algorithm needs (RFC 7518 §3, RFC 8037). */
export function keyFitsAlgorithm(jwk: PublicJwk, alg: Algorithm): boolean {
  switch (alg) {
    case "EdDSA":
      return jwk.kty === "OKP" && jwk.crv === "Ed25519";
    case "ES256":
      return jwk.kty === "EC" && jwk.crv === "P-256";
    case "ES384":
      return jwk.kty === "EC" && jwk.crv === "P-384";
    case "PS256":
    case "RS256":
      return jwk.kty === "RSA";
  }
}

function bytesOf(value: unknown): number {
  return typeof value === "string" ? (decodeBase64Url(value)?.length ?? -1) : -1;
}

/**
 * Why a JWK is not an acceptable carrier signing key, or `undefined` when it is.
 *
 * @example
 * checkPublicJwk({ kty: "OKP", crv: "Ed25519", x: "...", kid: "k1" }) // undefined
 */
export function checkPublicJwk(jwk: unknown): string | undefined {
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk))
    return "a key must be a JSON object";
  const key = jwk as Record<string, unknown>;
  for (const member of PRIVATE_MEMBERS) {
    if (member in key) return `private or symmetric member "${member}" in a public key set`;
  }
  if (typeof key.kid !== "string" || key.kid.length === 0) return "every key needs a kid";
  if (key.use !== undefined && key.use !== "sig") return `key ${key.kid}: use must be "sig"`;
  if (key.key_ops !== undefined) {
    if (!Array.isArray(key.key_ops) || key.key_ops.some((op) => op !== "verify")) {
      return `key ${key.kid}: key_ops may only be ["verify"]`;
    }
  }
  if (key.alg !== undefined && !isAllowedAlgorithm(key.alg)) {
    return `key ${key.kid}: alg ${JSON.stringify(key.alg)} is not allowed`;
  }
  switch (key.kty) {
    case "OKP":
      if (key.crv !== "Ed25519") return `key ${key.kid}: OKP keys must be Ed25519`;
      if (bytesOf(key.x) !== 32) return `key ${key.kid}: x must be 32 bytes`;
      break;
    case "EC": {
      const size = key.crv === "P-256" ? 32 : key.crv === "P-384" ? 48 : 0;
      if (size === 0) return `key ${key.kid}: EC keys must be P-256 or P-384`;
      const x = typeof key.x === "string" ? decodeBase64Url(key.x) : undefined;
      const y = typeof key.y === "string" ? decodeBase64Url(key.y) : undefined;
      if (x?.length !== size || y?.length !== size) {
        return `key ${key.kid}: x and y must be ${size} bytes`;
      }
      if (!isOnCurve(key.crv as string, x, y)) {
        return `key ${key.kid}: the point (x, y) is not on ${String(key.crv)}`;
      }
      break;
    }
    case "RSA": {
      const modulus = typeof key.n === "string" ? decodeBase64Url(key.n) : undefined;
      if (!modulus || bytesOf(key.e) < 1) return `key ${key.kid}: n and e must be base64url`;
      const bits = modulus.length * 8 - Math.clz32(modulus[0] ?? 0) + 24;
      if (modulus[0] === 0 || bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
        return `key ${key.kid}: RSA keys must have ${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits`;
      }
      break;
    }
    default:
      return `key ${String(key.kid)}: kty must be OKP, EC or RSA`;
  }
  if (
    key.alg !== undefined &&
    !keyFitsAlgorithm(key as unknown as PublicJwk, key.alg as Algorithm)
  ) {
    return `key ${key.kid}: alg ${String(key.alg)} does not fit a ${String(key.kty)} ${String(key.crv ?? "")} key`;
  }
  return undefined;
}

/** The first schema error left on the JWK Set validator, in words. */
function schemaProblem(): string {
  const error = validateJwks.errors?.[0];
  if (!error) return "the key set does not match jwks.schema.json";
  const member = error.params.additionalProperty;
  const where = error.instancePath || "the key set";
  return `${where} ${error.message ?? "is invalid"}${typeof member === "string" ? ` ("${member}")` : ""}`;
}

/**
 * Checks a whole JWK Set (§5.4); returns its keys by kid or the first reason
 * to refuse it. The per-key rules run first for their precise messages; the
 * schema then refuses what they do not name (x5u and other members, a kid
 * outside its pattern).
 */
export function checkPublicJwks(
  jwks: unknown,
  maxKeys: number,
): { keys: Map<string, PublicJwk> } | { error: string } {
  if (
    typeof jwks !== "object" ||
    jwks === null ||
    !Array.isArray((jwks as { keys?: unknown }).keys)
  ) {
    return { error: 'a key set is an object with a "keys" array' };
  }
  const list = (jwks as { keys: unknown[] }).keys;
  if (list.length === 0) return { error: "the key set is empty" };
  if (list.length > maxKeys) return { error: `the key set has more than ${maxKeys} keys` };
  const keys = new Map<string, PublicJwk>();
  for (const jwk of list) {
    const problem = checkPublicJwk(jwk);
    if (problem) return { error: problem };
    const key = jwk as PublicJwk;
    if (keys.has(key.kid)) return { error: `two keys share the kid ${key.kid}` };
    keys.set(key.kid, key);
  }
  if (!validateJwks(jwks)) return { error: schemaProblem() };
  return { keys };
}
