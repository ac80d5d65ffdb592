/**
 * @module The visited gateway's side of grants (`spec/oct.md` §11.9): its
 * allowance for a foreign token is the room of its drawable grants; each
 * redemption reserves against one grant, never past its `valid_until`;
 * what to ask the home for, and when each grant is reported or closed.
 * Pure arithmetic on exact amounts; the ledger keeps the state.
 */
import { multiply, type Atto } from "../amount/decimal.ts";
import type { Federation } from "../network/peers.ts";

/** A grant as the visited gateway keeps it. Times are ms since the epoch. */
export interface HeldGrant {
  id: string;
  amount: Atto;
  validUntil: number;
  reportBy: number;
  /** Committed against the grant here. */
  committed: Atto;
  /** Reserved against it, neither committed nor released yet. */
  reserved: Atto;
  /** When a reservation was last made against it (or it was received). */
  lastDrawnAt: number;
  /**
   * `open`: drawable; `closing`: closed here, its final report not yet
   * acknowledged; `closed`: the home acknowledged the final report.
   */
  status: "open" | "closing" | "closed";
  /** The last report the home acknowledged (`seq` 0 before the first). */
  acknowledged: { seq: number; used: Atto };
  /** The report sent and not yet acknowledged: retried as it is, never rebuilt. */
  pending?: { seq: number; used: Atto; final: boolean };
}

/** What is left of a grant for new reservations. */
export function roomOf(grant: HeldGrant): Atto {
  return grant.amount - grant.committed - grant.reserved;
}

/**
 * Whether a redemption may reserve against the grant now: open, and far
 * enough from `valid_until` that the provider's answer (`marginMs`, its
 * timeout) comes before it.
 */
export function isDrawable(grant: HeldGrant, now: number, marginMs: number): boolean {
  return grant.status === "open" && now + marginMs < grant.validUntil;
}

/** The token's allowance here: the room of its drawable grants. */
export function allowanceOf(grants: readonly HeldGrant[], now: number, marginMs: number): Atto {
  let total = 0n;
  for (const grant of grants) if (isDrawable(grant, now, marginMs)) total += roomOf(grant);
  return total;
}

/**
 * The grant a debit reserves against: among the drawable grants whose room
 * covers it, the one that lapses first (so older grants are used up and
 * closed first), or `undefined` when the home must be asked.
 *
 * @example
 * const grant = pickGrant(grants, debit, now, provider.timeout_ms ?? 0);
 */
export function pickGrant(
  grants: readonly HeldGrant[],
  debit: Atto,
  now: number,
  marginMs: number,
): HeldGrant | undefined {
  let best: HeldGrant | undefined;
  for (const grant of grants) {
    if (!isDrawable(grant, now, marginMs) || roomOf(grant) < debit) continue;
    if (!best || grant.validUntil < best.validUntil) best = grant;
  }
  return best;
}

/** A reservation against a grant expires with it at the latest (spec §11.9). */
export function reservationExpiry(grant: HeldGrant, now: number, ttlMs: number): number {
  return Math.min(now + ttlMs, grant.validUntil);
}

/**
 * What to ask the home for, for a debit (spec §11.9 "Asking"): the debit
 * times `prefetch_factor`, at most the face value; at least the debit.
 *
 * @example
 * grantAsk(debit, faceValue, network.federation) // { amount, minAmount }
 */
export function grantAsk(
  debit: Atto,
  faceValue: Atto,
  settings: Pick<Federation, "prefetch_factor">,
): { amount: Atto; minAmount: Atto } {
  const wanted = debit * BigInt(settings.prefetch_factor);
  return { amount: wanted < faceValue ? wanted : faceValue, minAmount: debit };
}

/** Whether to ask for the next grant now, before a redemption needs it (`refill_below_debits`). */
export function wantsRefill(
  allowance: Atto,
  debit: Atto,
  settings: Pick<Federation, "refill_below_debits">,
): boolean {
  return allowance < debit * BigInt(settings.refill_below_debits);
}

export type CloseReason = "expired" | "exhausted" | "idle";

/**
 * Why an open grant should be closed now, if it should (spec §11.9
 * "Reporting"): its `valid_until` has come, its room is below the smallest
 * useful debit, or it has been idle for `idle_release_seconds`. Only once
 * nothing is reserved against it: in-flight reservations end first (they
 * expire by `valid_until` at the latest).
 */
export function closeReason(
  grant: HeldGrant,
  now: number,
  smallestDebit: Atto,
  settings: Pick<Federation, "idle_release_seconds">,
): CloseReason | undefined {
  if (grant.status !== "open" || grant.reserved > 0n) return undefined;
  if (now >= grant.validUntil) return "expired";
  if (roomOf(grant) < smallestDebit) return "exhausted";
  if (now - grant.lastDrawnAt >= settings.idle_release_seconds * 1000) return "idle";
  return undefined;
}

/** The grant closed here: nothing more is drawn; its final report is pending. */
export function closeGrant(grant: HeldGrant): HeldGrant {
  return {
    ...grant,
    status: "closing",
    pending: { seq: nextSeq(grant), used: grant.committed, final: true },
  };
}

/**
 * The report to send now, if any: the pending one again (a retry is the same
 * report), else a threshold report once what was committed since the last
 * acknowledged report reaches `report_threshold_percent` of the grant.
 */
export function reportDue(
  grant: HeldGrant,
  settings: Pick<Federation, "report_threshold_percent">,
): { seq: number; used: Atto; final: boolean } | undefined {
  if (grant.pending) return grant.pending;
  if (grant.status !== "open") return undefined;
  const since = grant.committed - grant.acknowledged.used;
  const threshold = multiply(
    grant.amount,
    BigInt(settings.report_threshold_percent) * 10n ** 16n,
    "ceil",
  );
  return since > 0n && since >= threshold
    ? { seq: nextSeq(grant), used: grant.committed, final: false }
    : undefined;
}

/** The grant once the home acknowledged its pending report. */
export function acknowledge(grant: HeldGrant, report: { seq: number; used: Atto; final: boolean }) {
  return {
    ...grant,
    acknowledged: { seq: report.seq, used: report.used },
    pending: undefined,
    status: report.final ? "closed" : grant.status,
  } satisfies HeldGrant;
}

function nextSeq(grant: HeldGrant): number {
  return Math.max(grant.acknowledged.seq, grant.pending?.seq ?? 0) + 1;
}
