/**
 * @module The holder's side of holder binding (`spec/oct.md` §2.6, §6.6): a
 * key pair, its thumbprint for the issuer's `cnf.jkt`, and a fresh DPoP proof
 * for each request. Built on jose rather than the `dpop` package, which
 * fixes `iat` to the wall clock (a holder or a test with its own clock could
 * not say when) and signs Ed25519 only under the name `Ed25519`.
 */
import { calculateJwkThumbprint, importJWK, SignJWT, type JWK } from "jose";
import { encodeBase64Url } from "../encoding/base64url.ts";
import { generateSigningKey, publicJwkOf, type PrivateJwk } from "../signing/keys.ts";
import type { Algorithm } from "../token/header.ts";
import { accessTokenHash, PROOF_TYPE } from "./proof.ts";

export interface HolderProofRequest {
  /** The holder's private key (from {@link generateHolderKey}). */
  key: PrivateJwk;
  /** The request's method, e.g. `POST`. */
  method: string;
  /** The gateway's URL of the request, e.g. `https://gw.example/v1/redemptions`. */
  url: string;
  /** The token the request carries (its hash becomes `ath`). */
  token: string;
  /** Seconds since the epoch; the wall clock when absent. */
  now?: number;
  /** The proof's `jti`; 128 random bits when absent. Never reuse one. */
  jti?: string;
}

/**
 * A holder key pair for `alg` (EdDSA unless told), as a private JWK.
 *
 * @example
 * const key = await generateHolderKey();
 */
export function generateHolderKey(alg: Algorithm = "EdDSA"): Promise<PrivateJwk> {
  return generateSigningKey(alg);
}

/**
 * The RFC 7638 thumbprint of a holder key's public part (a private or a
 * public JWK): the issuer signs it into the token as `cnf.jkt`.
 *
 * @example
 * const claims = { ...rest, cnf: { jkt: await holderThumbprint(key) } };
 */
export function holderThumbprint(key: JWK): Promise<string> {
  return calculateJwkThumbprint(publicJwkOf(key), "sha256");
}

/**
 * A DPoP proof for one request with a bound token, to send as its `DPoP`
 * header field. Make a new one for every request: a proof is accepted once.
 *
 * @example
 * const dpop = await createHolderProof({ key, method: "POST", url: "https://gw.example/v1/redemptions", token });
 */
export async function createHolderProof(request: HolderProofRequest): Promise<string> {
  const { key, method, url, token } = request;
  const { kid: _kid, alg, use: _use, ...jwk } = publicJwkOf(key);
  const privateKey = await importJWK(key, key.alg);
  return new SignJWT({
    jti: request.jti ?? encodeBase64Url(crypto.getRandomValues(new Uint8Array(16))),
    htm: method,
    htu: url,
    ath: await accessTokenHash(token),
  })
    .setProtectedHeader({ typ: PROOF_TYPE, alg: key.alg, jwk })
    .setIssuedAt(request.now ?? Math.floor(Date.now() / 1000))
    .sign(privateKey);
}
