/**
 * @module The signature port on Web Crypto: Node.js, Workers, any runtime.
 * The parameters of each JWS algorithm are those of RFC 7518 §3.3-3.5 and
 * RFC 8037 §3.1, as jose uses them: ECDSA signatures in JWS are the raw
 * `r || s` that Web Crypto expects; RSASSA-PSS uses a salt as long as the hash.
 */
import type { Algorithm } from "../../core/token/header.ts";
import type { SignatureVerifier } from "../../ports/signatures.ts";

const SIGNING: Record<Algorithm, Parameters<SubtleCrypto["verify"]>[0]> = {
  EdDSA: { name: "Ed25519" },
  ES256: { name: "ECDSA", hash: "SHA-256" },
  ES384: { name: "ECDSA", hash: "SHA-384" },
  PS256: { name: "RSA-PSS", saltLength: 32 },
  RS256: { name: "RSASSA-PKCS1-v1_5" },
};

/** Signatures checked with `crypto.subtle.verify`. */
export const webCryptoSignatures: SignatureVerifier = {
  verify: (alg, key, signature, data) => crypto.subtle.verify(SIGNING[alg], key, signature, data),
};
