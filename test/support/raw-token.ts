/**
 * @module Tokens built byte by byte, for the cases a JOSE library will not
 * produce: duplicate members, byte-order marks, odd encodings. Signed with
 * Web Crypto (Ed25519) so the signature is valid and only the profile can
 * refuse them.
 */
import { encodeBase64Url } from "../../src/core/encoding/base64url.ts";
import type { PrivateJwk } from "../../src/core/signing/keys.ts";

const encoder = new TextEncoder();

export function segment(text: string | Uint8Array): string {
  return encodeBase64Url(typeof text === "string" ? encoder.encode(text) : text);
}

/** Signs `headerSegment.payloadSegment` with an Ed25519 private JWK. */
export async function signSegments(
  headerSegment: string,
  payloadSegment: string,
  key: PrivateJwk,
): Promise<string> {
  const cryptoKey = await crypto.subtle.importKey(
    "jwk",
    { kty: key.kty as string, crv: key.crv as string, x: key.x as string, d: key.d as string },
    { name: "Ed25519" },
    false,
    ["sign"],
  );
  const input = `${headerSegment}.${payloadSegment}`;
  const signature = new Uint8Array(
    await crypto.subtle.sign("Ed25519", cryptoKey, encoder.encode(input)),
  );
  return `${input}.${encodeBase64Url(signature)}`;
}

/** A token whose header and payload are the given JSON texts, signed with an Ed25519 key. */
export function signRaw(
  headerJson: string,
  payloadJson: string | Uint8Array,
  key: PrivateJwk,
): Promise<string> {
  return signSegments(segment(headerJson), segment(payloadJson), key);
}
