/**
 * @module Turns a checked public JWK into a key for one algorithm, once:
 * imports are cached per JWK object, so the hot path never re-imports.
 */
import { importJWK, type CryptoKey, type KeyObject } from "jose";
import type { Algorithm } from "../token/header.ts";
import type { PublicJwk } from "./jwk.ts";

export type VerificationKey = CryptoKey | KeyObject | Uint8Array;

const imported = new WeakMap<PublicJwk, Map<Algorithm, Promise<VerificationKey>>>();

/**
 * The key of `jwk` for `alg`, imported with jose and cached.
 *
 * @example
 * const key = await importVerificationKey(jwk, "EdDSA");
 */
export function importVerificationKey(jwk: PublicJwk, alg: Algorithm): Promise<VerificationKey> {
  let byAlg = imported.get(jwk);
  if (!byAlg) imported.set(jwk, (byAlg = new Map()));
  let key = byAlg.get(alg);
  if (!key) {
    key = importJWK({ ...jwk, ext: true }, alg) as Promise<VerificationKey>;
    // A failed import must not stay cached as a rejected promise.
    key.catch(() => byAlg.delete(alg));
    byAlg.set(alg, key);
  }
  return key;
}
