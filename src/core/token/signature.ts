/**
 * @module Step 7 of `spec/oct.md` §6.2, and the JOSE layer on its own: a
 * strictly parsed compact JWS, an algorithm from the allow-list, a checked
 * key that fits it (imported with jose), and the signature checked by the
 * runtime's {@link SignatureVerifier} over the signing input our own parser
 * already decoded.
 *
 * Why not jose's `compactVerify` here: by step 7 the token has been parsed
 * more strictly than jose parses it (canonical base64url, strict JSON, the
 * closed header profile, the algorithm allow-list, a key that fits `alg`), so
 * `compactVerify` would only split, decode and check the same bytes a second
 * time before making the very same `crypto.subtle.verify` call. Without that
 * repeat, core EdDSA verification on Node went from about 0.66 to 0.76 of
 * raw `crypto.verify` (`bench/README.md`). jose still imports every key.
 */
import { OctError } from "../errors.ts";
import { importVerificationKey } from "../keys/import.ts";
import { checkPublicJwk, keyFitsAlgorithm, type PublicJwk } from "../keys/jwk.ts";
import type { SignatureVerifier } from "../../ports/signatures.ts";
import { isAllowedAlgorithm, type Algorithm } from "./header.ts";
import { parseCompact, type ParsedJws } from "./parse.ts";

/**
 * Verifies the signature of a parsed JWS with a key that must fit `alg`.
 *
 * @example
 * await verifySignature(parsed, jwk, "EdDSA", webCryptoSignatures);
 */
export async function verifySignature(
  parsed: ParsedJws,
  jwk: PublicJwk,
  alg: Algorithm,
  signatures: SignatureVerifier,
): Promise<void> {
  if ((jwk.alg !== undefined && jwk.alg !== alg) || !keyFitsAlgorithm(jwk, alg)) {
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
 * const parsed = await verifyJws(compact, jwk, { maxBytes: 8192, signatures });
 */
export async function verifyJws(
  compact: unknown,
  jwk: unknown,
  options: { maxBytes: number; signatures: SignatureVerifier },
): Promise<ParsedJws> {
  const parsed = parseCompact(compact, options);
  const alg = parsed.header.alg;
  if (!isAllowedAlgorithm(alg))
    throw new OctError("alg_not_allowed", `alg ${JSON.stringify(alg)} is not allowed`);
  const problem = checkPublicJwk(jwk);
  if (problem) throw new OctError("key_unknown", `the key is not acceptable: ${problem}`);
  await verifySignature(parsed, jwk as PublicJwk, alg, options.signatures);
  return parsed;
}
