/**
 * @module The suite's signing keys and JWS signatures (RFC 7518 §3) with
 * node:crypto: what tokens, status lists and holder proofs are signed with.
 */
import { constants, createPrivateKey, sign, type KeyObject } from "node:crypto";

export interface SuiteKey {
  kty: string;
  kid: string;
  alg: string;
  [member: string]: unknown;
}

const privateKeys = new Map<SuiteKey, KeyObject>();

function privateKeyOf(jwk: SuiteKey): KeyObject {
  let key = privateKeys.get(jwk);
  if (!key) privateKeys.set(jwk, (key = createPrivateKey({ key: jwk as never, format: "jwk" })));
  return key;
}

/** A JWS signature (RFC 7518 §3) with node:crypto. */
export function signBytes(data: Buffer, jwk: SuiteKey): Buffer {
  const key = privateKeyOf(jwk);
  switch (jwk.alg) {
    case "EdDSA":
      return sign(null, data, key);
    case "ES256":
      return sign("sha256", data, { key, dsaEncoding: "ieee-p1363" });
    case "ES384":
      return sign("sha384", data, { key, dsaEncoding: "ieee-p1363" });
    case "PS256":
      return sign("sha256", data, {
        key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 32,
      });
    case "RS256":
      return sign("sha256", data, { key, padding: constants.RSA_PKCS1_PADDING });
    default:
      throw new Error(`the suite cannot sign with ${jwk.alg}`);
  }
}
