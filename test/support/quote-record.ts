/**
 * @module A stored quote for ledger-level tests, as `createQuote` would keep
 * it (runs in Node and inside workerd).
 */
import { newQuoteId, type QuoteRecord } from "../../src/core/redemption/record.ts";
import { EDGE_TARIFF } from "./network.ts";

export function quoteRecord(tokenKey: string, expiresAt: number): QuoteRecord {
  return {
    id: newQuoteId(tokenKey, expiresAt),
    tokenKey,
    token: { iss: "https://tokens.carrier-a.example", jti: tokenKey },
    provider: "carrier-b-edge",
    debit: { amount: "40", unit: "gpu-second:h100-sxm" },
    credit: { amount: "100", unit: "gpu-second:a100-sxm" },
    tariff: EDGE_TARIFF,
    expires_at: new Date(expiresAt).toISOString(),
  };
}
