/**
 * @module The limit: raw `crypto.verify` with a key imported once, over the
 * signing input and signature of the very token the other figures use.
 */
import crypto, { type KeyObject } from "node:crypto";
import { parseCompact } from "../../src/core/token/parse.ts";
import type { PrivateJwk } from "../../src/core/signing/keys.ts";
import { publicJwkOf } from "../../src/core/signing/keys.ts";
import type { BenchAlgorithm } from "../fixtures.ts";

/** One raw verification of `token`, ready to call in a loop. */
export function rawVerifier(token: string, key: PrivateJwk): () => boolean {
  const { signingInput, signature } = parseCompact(token, { maxBytes: 8192 });
  const publicKey: KeyObject = crypto.createPublicKey({
    key: publicJwkOf(key) as crypto.JsonWebKey,
    format: "jwk",
  });
  const alg = key.alg as BenchAlgorithm;
  const digest = alg === "EdDSA" ? null : "sha256";
  const options =
    alg === "ES256"
      ? { key: publicKey, dsaEncoding: "ieee-p1363" as const }
      : alg === "PS256"
        ? { key: publicKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
        : publicKey;
  return () => crypto.verify(digest, signingInput, options, signature);
}
