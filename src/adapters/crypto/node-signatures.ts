/**
 * @module The signature port on Node.js: `node:crypto`'s synchronous
 * `verify` with the KeyObject behind the CryptoKey jose imported. Node's
 * Web Crypto runs every verification as a job on the libuv thread pool and
 * back, which costs more than an ES256 verification itself on a slow core;
 * this is the same OpenSSL call without the round trip (`bench/`). It gives
 * the answers Web Crypto gives: raw `r || s` ECDSA signatures
 * (`ieee-p1363`), RSASSA-PSS with a 32-byte salt, PKCS #1 v1.5 (it judges
 * the 401 Wycheproof JWS vectors exactly as Web Crypto does).
 *
 * The Node.js composition (`src/runtime/node-ports.ts`) hands it to the gateway.
 */
import { constants, KeyObject, verify, type VerifyKeyObjectInput } from "node:crypto";
import type { VerificationKey } from "../../core/keys/import.ts";
import type { Algorithm } from "../../core/token/header.ts";
import type { SignatureVerifier } from "../../ports/signatures.ts";

type Input = KeyObject | VerifyKeyObjectInput;

const DIGEST: Record<Algorithm, string | null> = {
  EdDSA: null,
  ES256: "sha256",
  ES384: "sha384",
  PS256: "sha256",
  RS256: "sha256",
};

function inputFor(alg: Algorithm, key: KeyObject): Input {
  switch (alg) {
    case "ES256":
    case "ES384":
      return { key, dsaEncoding: "ieee-p1363" };
    case "PS256":
      return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    case "RS256":
      return { key, padding: constants.RSA_PKCS1_PADDING };
    case "EdDSA":
      return key;
  }
}

// One KeyObject per imported key (and so per JWK and algorithm).
const inputs = new WeakMap<VerificationKey, Input>();

/** Signatures checked with `node:crypto`, synchronously on the calling thread. */
export const nodeCryptoSignatures: SignatureVerifier = {
  verify(alg, key, signature, data) {
    let input = inputs.get(key);
    if (!input) inputs.set(key, (input = inputFor(alg, KeyObject.from(key))));
    return verify(DIGEST[alg], data, input, signature);
  },
};
