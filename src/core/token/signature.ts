/**
 * @module Step 7 of `spec/oct.md` §6, and the JOSE layer on its own: a
 * strictly parsed compact JWS, an algorithm from the allow-list, a checked
 * key that fits it (imported with jose), and the signature verified with Web
 * Crypto over the signing input our own parser already decoded.
 *
 * Why not jose's `compactVerify` here: by step 7 the token has been parsed
 * more strictly than jose parses it (canonical base64url, strict JSON, the
 * closed header profile, the algorithm allow-list, a key that fits `alg`), so
 * `compactVerify` would only split, decode and check the same bytes a second
 * time before making the very same `crypto.subtle.verify` call. Without that
 * repeat, core EdDSA verification on Node went from about 0.66 to 0.76 of
 * raw `crypto.verify` (`bench/README.md`). jose still imports every key;
 * this module only makes the final Web Crypto call, with the parameters of
 * RFC 7518 §3 that jose would use.
 */
import { OctError } from "../errors.ts";
import { importVerificationKey, type VerificationKey } from "../keys/import.ts";
import { checkPublicJwk, keyFitsAlgorithm, type PublicJwk } from "../keys/jwk.ts";
import { isAllowedAlgorithm, type Algorithm } from "./header.ts";
import { parseCompact, type ParsedJws } from "./parse.ts";
import type { ProfileCheck } from "./profile.ts";

/**
 * The port of the one runtime-specific operation in verification: checking
 * a signature over bytes already parsed, with a key jose already imported.
 * Web Crypto ({@link webCryptoSignatures}) is the default and runs
 * everywhere; a runtime may install a faster one of its own
 * (`src/adapters/crypto/`) with {@link useSignatureVerifier}, which must
 * answer every Wycheproof vector and conformance case as Web Crypto does.
 */
export interface SignatureVerifier {
  /** Whether `signature` is a valid `alg` signature of `data` under `key`. */
  verify(
    alg: Algorithm,
    key: VerificationKey,
    signature: Uint8Array<ArrayBuffer>,
    data: Uint8Array<ArrayBuffer>,
  ): boolean | Promise<boolean>;
}

/**
 * The Web Crypto parameters of each JWS algorithm (RFC 7518 §3.3-3.5, RFC
 * 8037 §3.1), as jose uses them. ECDSA signatures in JWS are the raw `r || s`
 * that Web Crypto expects; RSASSA-PSS uses a salt as long as the hash.
 */
const SIGNING: Record<Algorithm, Parameters<SubtleCrypto["verify"]>[0]> = {
  EdDSA: { name: "Ed25519" },
  ES256: { name: "ECDSA", hash: "SHA-256" },
  ES384: { name: "ECDSA", hash: "SHA-384" },
  PS256: { name: "RSA-PSS", saltLength: 32 },
  RS256: { name: "RSASSA-PKCS1-v1_5" },
};

/** Signatures checked with Web Crypto: Node.js, Workers, any runtime. */
export const webCryptoSignatures: SignatureVerifier = {
  verify: (alg, key, signature, data) => crypto.subtle.verify(SIGNING[alg], key, signature, data),
};

let signatures: SignatureVerifier = webCryptoSignatures;

/**
 * Installs the signature verifier of this runtime, for the whole process
 * (module state, like the key cache): the composition root calls it once,
 * at start, before serving. `undefined` restores Web Crypto.
 *
 * @example
 * useSignatureVerifier(nodeCryptoSignatures);
 */
export function useSignatureVerifier(verifier: SignatureVerifier | undefined): void {
  signatures = verifier ?? webCryptoSignatures;
}

/**
 * Verifies the signature of a parsed JWS with a key already checked to fit `alg`.
 *
 * @example
 * await verifySignature(parsed, jwk, "EdDSA");
 */
export async function verifySignature(
  parsed: ParsedJws,
  jwk: PublicJwk,
  alg: Algorithm,
  omit?: ReadonlySet<ProfileCheck>,
): Promise<void> {
  const fits = (jwk.alg === undefined || jwk.alg === alg) && keyFitsAlgorithm(jwk, alg);
  if (!fits && !omit?.has("key-fits-alg")) {
    throw new OctError("alg_not_allowed", `key ${jwk.kid} is not a ${alg} key`);
  }
  let verified: boolean;
  try {
    const key = importVerificationKey(jwk, alg);
    verified = await signatures.verify(
      alg,
      key instanceof Promise ? await key : key,
      // Our decoders fill fresh ArrayBuffers, never shared memory.
      parsed.signature as Uint8Array<ArrayBuffer>,
      parsed.signingInput as Uint8Array<ArrayBuffer>,
    );
  } catch (error) {
    // A key jose cannot import, or a signature the crypto cannot even read:
    // the token is refused all the same, never a crash.
    throw new OctError(
      "signature_invalid",
      `the signature cannot be checked: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (!verified) throw new OctError("signature_invalid", "the signature does not verify");
}

/**
 * The JOSE layer alone, with no OCT header profile or claims: what a
 * generic JWS test suite (Wycheproof) exercises.
 *
 * @example
 * const parsed = await verifyJws(compact, jwk, { maxBytes: 8192 });
 */
export async function verifyJws(
  compact: unknown,
  jwk: unknown,
  options: { maxBytes: number },
): Promise<ParsedJws> {
  const parsed = parseCompact(compact, options);
  const alg = parsed.header.alg;
  if (!isAllowedAlgorithm(alg))
    throw new OctError("alg_not_allowed", `alg ${JSON.stringify(alg)} is not allowed`);
  const problem = checkPublicJwk(jwk);
  if (problem) throw new OctError("key_unknown", `the key is not acceptable: ${problem}`);
  await verifySignature(parsed, jwk as PublicJwk, alg);
  return parsed;
}
