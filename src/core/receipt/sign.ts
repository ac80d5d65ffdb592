/**
 * @module Receipts (`spec/oct.md` §9): a JWS, `typ` `oct-receipt+jwt`,
 * signed by the gateway's key and verifiable by anyone with its JWKS.
 */
import { CompactSign, importJWK } from "jose";
import type { PrivateJwk } from "../signing/keys.ts";
import type { RedemptionRecord } from "../redemption/record.ts";
import { encodeBase64Url } from "../encoding/base64url.ts";

export const RECEIPT_TYPE = "oct-receipt+jwt";
const encoder = new TextEncoder();

/** The receipt claims of a redemption (`spec/schemas/receipt-claims.schema.json`). */
export async function receiptClaims(
  gatewayId: string,
  record: Omit<RedemptionRecord, "receipt">,
  now: number,
) {
  const keyDigest = await crypto.subtle.digest("SHA-256", encoder.encode(record.idempotencyKey));
  return {
    iss: gatewayId,
    iat: Math.floor(now / 1000),
    jti: record.id,
    oct_receipt: {
      ver: "0.1",
      token: record.token,
      sub: record.sub,
      provider: record.provider,
      carrier: record.carrier,
      debited: record.debited,
      credited: record.credited,
      tariff: record.tariff,
      ...(record.workload !== undefined ? { workload: record.workload } : {}),
      ...(record.region !== undefined ? { region: record.region } : {}),
      idempotency_key_sha256: encodeBase64Url(new Uint8Array(keyDigest)),
    },
  };
}

const importedKeys = new WeakMap<PrivateJwk, ReturnType<typeof importJWK>>();

/**
 * Signs the JSON text `payload` as a compact JWS of the given `typ` with a gateway key.
 *
 * @example
 * const receipt = await signGatewayJws(JSON.stringify(claims), key, RECEIPT_TYPE);
 */
export async function signGatewayJws(
  payload: string,
  key: PrivateJwk,
  typ: string,
): Promise<string> {
  let signingKey = importedKeys.get(key);
  if (!signingKey) importedKeys.set(key, (signingKey = importJWK(key, key.alg)));
  return new CompactSign(encoder.encode(payload))
    .setProtectedHeader({ alg: key.alg, typ, kid: key.kid })
    .sign(await signingKey);
}

/** The signed receipt of a redemption. */
export async function signReceipt(
  gatewayId: string,
  record: Omit<RedemptionRecord, "receipt">,
  key: PrivateJwk,
  now: number,
): Promise<string> {
  return signGatewayJws(
    JSON.stringify(await receiptClaims(gatewayId, record, now)),
    key,
    RECEIPT_TYPE,
  );
}
