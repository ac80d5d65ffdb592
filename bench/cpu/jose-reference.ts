/**
 * @module A reference, not a target: `jose`'s `jwtVerify` alone (algorithm
 * allow-list, issuer, typ, time claims; no OCT profile, no schema), the way a
 * gateway would verify if it handed the whole token to jose.
 */
import { importJWK, jwtVerify } from "jose";
import { publicJwkOf, type PrivateJwk } from "../../src/core/signing/keys.ts";
import { issuerOf, TOKEN_TYPE, type BenchAlgorithm } from "../fixtures.ts";

export async function joseVerifier(
  token: string,
  key: PrivateJwk,
): Promise<() => Promise<unknown>> {
  const alg = key.alg as BenchAlgorithm;
  const publicKey = await importJWK(publicJwkOf(key), alg);
  const options = { algorithms: [alg], issuer: issuerOf(alg), typ: TOKEN_TYPE, clockTolerance: 60 };
  return () => jwtVerify(token, publicKey, options);
}
