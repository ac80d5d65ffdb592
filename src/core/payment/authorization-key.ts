/**
 * @module The `Idempotency-Key` an app gives the gateway for a paid
 * request's authorisation (`spec/oct.md` §16.4): derived from the client's
 * key and the request itself, so a retry of the request finds the
 * authorisation of its first attempt, while the same client key on another
 * request (another path, another body) is another payment.
 */
import { encodeBase64Url } from "../encoding/base64url.ts";
import { canonicalJson } from "../json/canonical.ts";

/** What the key is derived from. */
export interface PaidRequest {
  /** The app's provider id. */
  provider: string;
  /** The request method, as received. */
  method: string;
  /** The path and query as received (origin-form). */
  target: string;
  /** The octets of the request content, empty without content. */
  content: Uint8Array<ArrayBuffer>;
  /** The client's `Idempotency-Key`. */
  clientKey: string;
}

const sha256 = async (bytes: BufferSource) =>
  encodeBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));

/**
 * `"oct-app." BASE64URL(SHA-256(JCS([provider, method, target, BASE64URL(SHA-256(content)), client key])))`.
 *
 * @example
 * await authorizationKey({ provider: "p", method: "POST", target: "/v1/generate", content, clientKey: "k-1" })
 */
export async function authorizationKey(request: PaidRequest): Promise<string> {
  const parts = [
    request.provider,
    request.method,
    request.target,
    await sha256(request.content),
    request.clientKey,
  ];
  return `oct-app.${await sha256(new TextEncoder().encode(canonicalJson(parts)))}`;
}
