/**
 * @module Checking what a gateway signs, as a provider or a carrier would:
 * receipts (`spec/oct.md` §9.4) and settlement reports (§10.3), verified
 * with jose against the gateway's published JWK Set, the algorithm fixed by
 * the allow-list and the key chosen by `kid` (never by the document).
 */
import {
  compactVerify,
  createLocalJWKSet,
  jwtVerify,
  type JSONWebKeySet,
  type JWSHeaderParameters,
} from "jose";
import { OctError } from "../core/errors.ts";
import { canonicalJson } from "../core/json/canonical.ts";
import { RECEIPT_TYPE } from "../core/receipt/sign.ts";
import { SETTLEMENT_TYPE, type SettlementReport } from "../core/settlement/report.ts";
import { ALLOWED_ALGORITHMS, isSignedHeader } from "../core/token/header.ts";
import { decodeJsonObject, parseCompact } from "../core/token/parse.ts";
import { validateReceiptClaims } from "../generated/validators.js";

/** Receipts and report signatures are small; anything larger is refused unread. */
const SIGNED_MAX_BYTES = 65_536;

/** Who the gateway is and the public keys it signs with. */
export interface GatewayKeys {
  id: string;
  jwks: JSONWebKeySet;
}

export interface Quantity {
  amount: string;
  unit: string;
}

/** The claims of a receipt (`spec/schemas/receipt-claims.schema.json`). */
export interface ReceiptClaims {
  iss: string;
  iat: number;
  jti: string;
  oct_receipt: {
    ver: string;
    token: { iss: string; jti: string };
    sub: string;
    provider: string;
    carrier: string;
    debited: Quantity;
    credited: Quantity;
    tariff: { rate: string; from: string; to: string };
    workload?: string;
    region?: string;
    idempotency_key_sha256?: string;
  };
}

export type { SettlementReport };

/** A signed document that does not check out; `code` is the nearest OCT code. */
export class SignatureError extends Error {
  override name = "SignatureError";
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** jose's failures, by their `code`, in OCT's words. */
function fromJose(error: unknown, what: string): SignatureError {
  const code = (error as { code?: string }).code;
  const claim = (error as { claim?: string }).claim;
  switch (code) {
    case "ERR_JWKS_NO_MATCHING_KEY":
      return new SignatureError(
        "key_unknown",
        `no key of the gateway's JWKS matches the ${what}'s kid and alg`,
      );
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return new SignatureError("alg_not_allowed", `the ${what}'s alg is not allowed`);
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return new SignatureError("signature_invalid", `the ${what}'s signature does not verify`);
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      return claim === "typ"
        ? new SignatureError("header_invalid", `the ${what}'s typ is not ${RECEIPT_TYPE}`)
        : new SignatureError(
            "claims_invalid",
            `the ${what}'s ${claim ?? "claims"}: ${(error as Error).message}`,
          );
    default:
      return new SignatureError(
        "signature_invalid",
        `the ${what} does not verify: ${(error as Error).message}`,
      );
  }
}

/** Steps 1-4 of §6.2 for a gateway-signed JWS: strict compact form and a closed header. */
function parseSigned(jws: string, what: string, typ: string): void {
  let header: Record<string, unknown>;
  try {
    const parsed = parseCompact(jws, { maxBytes: SIGNED_MAX_BYTES });
    decodeJsonObject(parsed.payloadBytes, "payload");
    header = parsed.header;
  } catch (error) {
    if (error instanceof OctError)
      throw new SignatureError(error.code, `the ${what}: ${error.message}`);
    throw error;
  }
  if (!isSignedHeader(header, typ)) {
    throw new SignatureError(
      "header_invalid",
      `the ${what}'s header must be exactly { alg, typ: "${typ}", kid } with an allowed alg`,
    );
  }
}

/**
 * Verifies a receipt (`spec/oct.md` §9.4 steps 1-4) with the gateway's keys.
 *
 * @example
 * const { claims } = await verifyReceipt(redemption.receipt, keys);
 */
export async function verifyReceipt(
  receipt: string,
  keys: GatewayKeys,
): Promise<{ header: JWSHeaderParameters; claims: ReceiptClaims }> {
  parseSigned(receipt, "receipt", RECEIPT_TYPE);
  let verified;
  try {
    verified = await jwtVerify(receipt, createLocalJWKSet(keys.jwks), {
      algorithms: [...ALLOWED_ALGORITHMS],
      typ: RECEIPT_TYPE,
      issuer: keys.id,
    });
  } catch (error) {
    throw fromJose(error, "receipt");
  }
  if (!validateReceiptClaims(verified.payload)) {
    const first = validateReceiptClaims.errors?.[0];
    throw new SignatureError(
      "claims_invalid",
      `the receipt's claims break receipt-claims.schema.json: ${first?.instancePath || "(root)"} ${first?.message ?? ""}`.trim(),
    );
  }
  return { header: verified.protectedHeader, claims: verified.payload as unknown as ReceiptClaims };
}

/**
 * Verifies a settlement report's signature (`spec/oct.md` §10.3): a JWS by a
 * gateway key whose payload is the JCS form of the report without `signature`.
 *
 * @example
 * const { header } = await verifySettlement(report, keys);
 */
export async function verifySettlement(
  report: SettlementReport,
  keys: GatewayKeys,
): Promise<{ header: JWSHeaderParameters }> {
  const { signature, ...unsigned } = report;
  if (typeof signature !== "string")
    throw new SignatureError("signature_invalid", "the report carries no signature");
  parseSigned(signature, "report signature", SETTLEMENT_TYPE);
  let verified;
  try {
    verified = await compactVerify(signature, createLocalJWKSet(keys.jwks), {
      algorithms: [...ALLOWED_ALGORITHMS],
    });
  } catch (error) {
    throw fromJose(error, "report signature");
  }
  if (verified.protectedHeader.typ !== SETTLEMENT_TYPE)
    throw new SignatureError(
      "header_invalid",
      `the report signature's typ is not ${SETTLEMENT_TYPE}`,
    );
  if (new TextDecoder().decode(verified.payload) !== canonicalJson(unsigned))
    throw new SignatureError("signature_invalid", "the signed payload differs from the report");
  if (unsigned.gateway !== keys.id)
    throw new SignatureError(
      "claims_invalid",
      `the report is from ${unsigned.gateway}, not ${keys.id}`,
    );
  return { header: verified.protectedHeader };
}
