/**
 * @module The home's side of a grant (`spec/oct.md` §11.5, §11.6): how much
 * to grant and until when, what a usage report does to a grant, and lapse.
 * Pure decisions on exact amounts; the ledger applies them in one serialised
 * step per token (a hold placed, captured, closed).
 */
import { formatAmount, type Atto } from "../amount/decimal.ts";
import { OctError } from "../errors.ts";
import type { Federation } from "../network/peers.ts";

/** A grant as the home keeps it. Times are ms since the epoch. */
export interface IssuedGrant {
  id: string;
  /** The visited gateway it was issued to (its `aud`). */
  visited: string;
  amount: Atto;
  validUntil: number;
  reportBy: number;
  /**
   * `open`: held, `reported.used` of it committed; `closed`: a final
   * report was applied; `lapsed`: no final report by `reportBy`, counted
   * as fully used.
   */
  status: "open" | "closed" | "lapsed";
  /** The last report applied (`seq` 0, `used` 0 before the first). */
  reported: { seq: number; used: Atto; final: boolean };
}

export interface GrantAsk {
  amount: Atto;
  minAmount: Atto;
}

export interface GrantDecision {
  amount: Atto;
  validUntil: number;
  reportBy: number;
}

/**
 * How much to grant (spec §11.5 step 7): min(asked, available), refused
 * below `min_amount`; valid for `grant_ttl_seconds`, never past the token's
 * `exp`, in whole seconds as the signed grant states them.
 *
 * @example
 * decideGrant({ amount: 400n * ONE, minAmount: 40n * ONE }, available, now, tokenExpMs, settings)
 */
export function decideGrant(
  ask: GrantAsk,
  available: Atto,
  now: number,
  tokenExp: number,
  settings: Pick<Federation, "grant_ttl_seconds" | "report_window_seconds">,
): GrantDecision {
  const amount = ask.amount < available ? ask.amount : available;
  if (amount < ask.minAmount) {
    throw new OctError(
      "insufficient_balance",
      `the home can grant ${formatAmount(amount > 0n ? amount : 0n)}, less than the ${formatAmount(ask.minAmount)} asked at least`,
    );
  }
  const until = Math.min(now + settings.grant_ttl_seconds * 1000, tokenExp);
  const validUntil = Math.floor(until / 1000) * 1000;
  if (validUntil <= now) {
    throw new OctError("token_expired", "the token expires before a grant could be used");
  }
  return { amount, validUntil, reportBy: validUntil + settings.report_window_seconds * 1000 };
}

/** A grant just issued: open, nothing reported. */
export function newIssuedGrant(id: string, visited: string, decision: GrantDecision): IssuedGrant {
  return {
    id,
    visited,
    amount: decision.amount,
    validUntil: decision.validUntil,
    reportBy: decision.reportBy,
    status: "open",
    reported: { seq: 0, used: 0n, final: false },
  };
}

/**
 * What the home counts for a grant against the token's face value: the
 * whole amount while open (used part committed, rest held) or lapsed, the
 * final `used` once closed (the `H(g)` of spec §11.10).
 */
export function countedOf(grant: IssuedGrant): Atto {
  return grant.status === "closed" ? grant.reported.used : grant.amount;
}

/** The part committed (the rest of {@link countedOf} is held): used so far, or all once lapsed. */
export function committedOf(grant: IssuedGrant): Atto {
  return grant.status === "lapsed" ? grant.amount : grant.reported.used;
}

/** The grant after lapse, if `now` is at or past its `report_by` without a final report (§11.6). */
export function lapsed(grant: IssuedGrant, now: number): IssuedGrant {
  return grant.status === "open" && now >= grant.reportBy ? { ...grant, status: "lapsed" } : grant;
}

export interface UsageReport {
  seq: number;
  used: Atto;
  final: boolean;
}

export type UsageOutcome =
  /** A replay of the last applied report: answer the grant as it is. */
  | { kind: "replay"; grant: IssuedGrant }
  /** Apply: the grant as it becomes. */
  | { kind: "applied"; grant: IssuedGrant };

/**
 * What a usage report from the grant's audience does (spec §11.6 step 5),
 * after lapse: the refusals in the spec's order, else the grant as it
 * becomes. `report.used` is in the grant's unit.
 *
 * @example
 * const outcome = applyUsage(lapsed(grant, now), { seq: 1, used, final: false });
 */
export function applyUsage(grant: IssuedGrant, report: UsageReport): UsageOutcome {
  const last = grant.reported;
  if (report.used > grant.amount) {
    throw new OctError(
      "usage_invalid",
      `used ${formatAmount(report.used)} exceeds the grant's ${formatAmount(grant.amount)}`,
    );
  }
  if (report.seq === last.seq && report.used === last.used && report.final === last.final) {
    return { kind: "replay", grant };
  }
  if (report.seq <= last.seq) {
    throw new OctError(
      "usage_conflict",
      `report ${report.seq} is not after the last applied report ${last.seq}, or differs from it`,
    );
  }
  if (grant.status === "closed") {
    throw new OctError("usage_conflict", "the grant is closed by its final report");
  }
  if (report.used < last.used) {
    throw new OctError(
      "usage_invalid",
      `used ${formatAmount(report.used)} is below the ${formatAmount(last.used)} reported before`,
    );
  }
  if (grant.status === "lapsed" && !report.final) {
    throw new OctError("grant_lapsed", "the grant lapsed; only its final report is accepted");
  }
  return {
    kind: "applied",
    grant: {
      ...grant,
      status: report.final ? "closed" : grant.status,
      reported: { seq: report.seq, used: report.used, final: report.final },
    },
  };
}
