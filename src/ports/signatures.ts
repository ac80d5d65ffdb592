/**
 * @module The one runtime-specific operation in verification: checking a
 * signature over bytes already parsed, with a key jose already imported.
 * Web Crypto runs everywhere (`src/adapters/crypto/web-crypto-signatures.ts`);
 * a runtime may supply a faster one of its own (`node-signatures.ts`), which
 * must answer every Wycheproof vector and conformance case as Web Crypto does.
 */
import type { VerificationKey } from "../core/keys/import.ts";
import type { Algorithm } from "../core/token/header.ts";

export interface SignatureVerifier {
  /** Whether `signature` is a valid `alg` signature of `data` under `key`. */
  verify(
    alg: Algorithm,
    key: VerificationKey,
    signature: Uint8Array<ArrayBuffer>,
    data: Uint8Array<ArrayBuffer>,
  ): boolean | Promise<boolean>;
}
