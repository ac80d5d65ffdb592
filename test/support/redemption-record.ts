/**
 * @module A redemption record as the gateway hands it to the ledger, for
 * ledger-level tests: 100 gpu-second:a100-sxm at carrier-b-edge for 40
 * gpu-second:h100-sxm (rate 2.5), reserved at `now` for 60 s unless told
 * otherwise. Runs in Node and inside workerd.
 */
import type { RedemptionRecord } from "../../src/core/redemption/record.ts";
import type { TokenIdentity } from "../../src/core/token/verify.ts";

export function redemptionRecord(
  tokenKey: string,
  token: TokenIdentity,
  now: number,
  overrides: Partial<RedemptionRecord> = {},
): RedemptionRecord {
  return {
    id: `rd.${tokenKey}.AAAAAAAAAAAAAAAAAAAAAA`,
    tokenKey,
    token,
    sub: "acct-42",
    carrier: "carrier-a",
    provider: "carrier-b-edge",
    status: "reserved",
    captureMode: "automatic",
    debited: { amount: "40", unit: "gpu-second:h100-sxm" },
    credited: { amount: "100", unit: "gpu-second:a100-sxm" },
    tariff: {
      carrier: "carrier-a",
      from: "gpu-second:h100-sxm",
      provider: "carrier-b-edge",
      to: "gpu-second:a100-sxm",
      rate: "2.5",
      valid_from: "2026-01-01T00:00:00Z",
      valid_until: "2031-01-01T00:00:00Z",
    },
    created_at: new Date(now).toISOString(),
    expiresAt: now + 60_000,
    idempotencyKey: "key",
    requestHash: "hash",
    receipt: "receipt-made-at-reservation",
    ...overrides,
  };
}
