/**
 * @module Signing key pairs, whoever signs: a carrier's token keys (`spec/oct.md`
 * §5.4) and a gateway's receipt and report keys (§9.3). Generate a pair for
 * an allowed algorithm, and publish the public JWK Set of private keys.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from "jose";
import type { Algorithm } from "../token/header.ts";

/** A private signing JWK as its owner keeps it (with `kid` and `alg`). */
export interface PrivateJwk extends JWK {
  kid: string;
  alg: Algorithm;
}

const PUBLIC_MEMBERS = ["kty", "crv", "x", "y", "n", "e", "kid", "alg"] as const;

/**
 * Generates a signing key pair; the `kid` is the RFC 7638 thumbprint.
 *
 * @example
 * const privateJwk = await generateSigningKey("EdDSA");
 */
export async function generateSigningKey(alg: Algorithm): Promise<PrivateJwk> {
  const { privateKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === "EdDSA" ? { crv: "Ed25519" } : {}),
    ...(alg === "PS256" || alg === "RS256" ? { modulusLength: 2048 } : {}),
  });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk, "sha256");
  return { ...jwk, kid, alg, use: "sig" } as PrivateJwk;
}

/**
 * The public JWK of a private one: only the public members, `use: "sig"`.
 *
 * @example
 * const jwks = { keys: [publicJwkOf(privateJwk)] };
 */
export function publicJwkOf(jwk: JWK): JWK {
  const out: Record<string, unknown> = {};
  for (const member of PUBLIC_MEMBERS) if (jwk[member] !== undefined) out[member] = jwk[member];
  out.use = "sig";
  return out as JWK;
}

/** The public JWK Set of a list of private keys. */
export function publicJwks(keys: readonly JWK[]): { keys: JWK[] } {
  return { keys: keys.map(publicJwkOf) };
}
