/**
 * @module Signed grant reports of a home and a visited gateway for tests of
 * reconciliation (`spec/oct.md` §11.8, §11.11): entries as each side would
 * list a grant, and reports signed with each gateway's key.
 */
import {
  signGrantReport,
  type GrantReport,
  type GrantReportEntry,
} from "../../src/core/federation/grant-report.ts";
import type { PrivateJwk } from "../../src/core/signing/keys.ts";
import { HOME, VISITED } from "./federation.ts";

export const PERIOD = { from: "2030-03-17T00:00:00Z", to: "2030-03-18T00:00:00Z" };
const UNIT = "gpu-second:h100-sxm";

/** A grant entry as both sides list it, with `changes`. */
export function entry(
  id: string,
  changes: Partial<Omit<GrantReportEntry, "used">> & { used?: string } = {},
): GrantReportEntry {
  const { used = "40", ...rest } = changes;
  return {
    id,
    home: HOME,
    visited: VISITED,
    token: { iss: "https://tokens.carrier-a.example", jti: "t-1" },
    amount: { amount: "400", unit: UNIT },
    used: { amount: used, unit: UNIT },
    seq: 2,
    status: "closed",
    issued_at: "2030-03-17T10:00:00Z",
    valid_until: "2030-03-17T10:05:00Z",
    report_by: "2030-03-17T10:10:00Z",
    ...rest,
  };
}

/** A report signed by `gateway` with `key`, for the test period. */
export function report(
  gateway: string,
  key: PrivateJwk,
  grants: GrantReportEntry[],
  extra: Partial<GrantReport> = {},
): Promise<GrantReport> {
  return signGrantReport(
    {
      gateway,
      period: PERIOD,
      generated_at: "2030-03-18T00:10:00Z",
      grants,
      ...extra,
    },
    key,
  );
}
