/**
 * @module The request fingerprint of `spec/oct.md` §8.5: SHA-256 of the JCS
 * form of the parsed body, so whitespace and member order do not make two
 * identical requests differ.
 */
import { canonicalJson } from "../json/canonical.ts";
import { encodeBase64Url } from "../encoding/base64url.ts";

const encoder = new TextEncoder();

/** base64url(SHA-256(JCS(body))). */
export async function fingerprint(body: unknown): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(canonicalJson(body)));
  return encodeBase64Url(new Uint8Array(digest));
}

/** The Idempotency-Key grammar: 1 to 255 visible ASCII characters but the comma, or inner spaces. */
export const IDEMPOTENCY_KEY =
  /^[\x21-\x2b\x2d-\x7e](?:[\x20-\x2b\x2d-\x7e]{0,253}[\x21-\x2b\x2d-\x7e])?$/;
