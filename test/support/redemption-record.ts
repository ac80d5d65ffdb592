/**
 * @module A redemption record as the gateway hands it to the ledger, for
 * ledger-level tests: 100 gpu-second:a100-sxm at carrier-b-edge for 40
 * gpu-second:h100-sxm (rate 2.5), reserved at `now` for 60 s unless told
 * otherwise. Runs in Node and inside workerd.
 */
import type { RedemptionRecord } from "../../src/core/redemption/record.ts";
import type { TokenIdentity } from "../../src/core/token/verify.ts";
import { EDGE_TARIFF } from "./network.ts";

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
    tariff: EDGE_TARIFF,
    created_at: new Date(now).toISOString(),
    expiresAt: now + 60_000,
    idempotencyKey: "key",
    requestHash: "hash",
    receipt: "receipt-made-at-reservation",
    ...overrides,
  };
}
