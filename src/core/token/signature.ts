/**
 * @module Step 7 of `spec/oct.md` §6, and the JOSE layer on its own: a
 * strictly parsed compact JWS, an algorithm from the allow-list, a checked
 * key that fits it, and the signature verified with jose.
 */
import { compactVerify, errors as joseErrors } from "jose";
import { OctError } from "../errors.ts";
import { importVerificationKey } from "../keys/import.ts";
import { checkPublicJwk, keyFitsAlgorithm, type PublicJwk } from "../keys/jwk.ts";
import { isAllowedAlgorithm, type Algorithm } from "./header.ts";
import { parseCompact, type ParsedJws } from "./parse.ts";
import type { ProfileCheck } from "./profile.ts";

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
  const key = await importVerificationKey(jwk, alg);
  try {
    await compactVerify(parsed.compact, key, { algorithms: [alg] });
  } catch (error) {
    // jose's errors are mapped here, by code, and nowhere else.
    const reason =
      error instanceof joseErrors.JOSEError &&
      error.code === "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
        ? "the signature does not verify"
        : `the signature cannot be checked: ${(error as Error).message}`;
    throw new OctError("signature_invalid", reason, { cause: error });
  }
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
