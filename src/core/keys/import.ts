/**
 * @module Turns a checked public JWK into a Web Crypto key for one
 * algorithm, once: jose imports it, the result is cached per JWK object, and
 * once the import has settled the hot path reads the key synchronously
 * (no promise, no re-import).
 */
import { importJWK } from "jose";
import type { Algorithm } from "../token/header.ts";
import type { PublicJwk } from "./jwk.ts";

export type VerificationKey = CryptoKey;

interface Entry {
  promise: Promise<VerificationKey>;
  /** Set once the import has succeeded. */
  key?: VerificationKey;
}

const imported = new WeakMap<PublicJwk, Map<Algorithm, Entry>>();

/**
 * The key of `jwk` for `alg`, imported with jose and cached: the key itself
 * when it is ready, or the pending import.
 *
 * @example
 * const key = await importVerificationKey(jwk, "EdDSA");
 */
export function importVerificationKey(
  jwk: PublicJwk,
  alg: Algorithm,
): VerificationKey | Promise<VerificationKey> {
  let byAlg = imported.get(jwk);
  if (!byAlg) imported.set(jwk, (byAlg = new Map()));
  const cached = byAlg.get(alg);
  if (cached) return cached.key ?? cached.promise;
  // Carrier keys are public, asymmetric JWKs, which jose imports as CryptoKeys.
  const promise = importJWK({ ...jwk, ext: true }, alg) as Promise<VerificationKey>;
  const entry: Entry = { promise };
  byAlg.set(alg, entry);
  promise.then(
    (key) => (entry.key = key),
    // A failed import must not stay cached as a rejected promise.
    () => byAlg.delete(alg),
  );
  return promise;
}
