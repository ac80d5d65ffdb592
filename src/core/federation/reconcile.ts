/**
 * @module Reconciling the grant reports of several gateways (`spec/oct.md`
 * §11.11): every grant as its home and its visited gateway each signed it,
 * compared by id. Pure: the reports are verified before they get here.
 */
import type { GrantReport, GrantReportEntry } from "../../generated/types.ts";
import { parseAmount } from "../amount/decimal.ts";

/** A grant's verdict: both sides agree, it is still running, or something differs. */
export type GrantVerdict = "agree" | "open" | "discrepancy" | "unchecked";

export interface GrantReconciliation {
  id: string;
  verdict: GrantVerdict;
  /** What differs or is missing, in words, when the verdict is not `agree`. */
  issues: string[];
  home?: GrantReportEntry;
  visited?: GrantReportEntry;
}

export interface Reconciliation {
  /** True when no grant has a discrepancy. */
  agree: boolean;
  grants: GrantReconciliation[];
}

/** The terms both sides must state identically (§11.11). */
const TERMS = [
  "home",
  "visited",
  "token",
  "amount",
  "issued_at",
  "valid_until",
  "report_by",
] as const;

/**
 * Compares the grants of verified reports, per grant id.
 *
 * @example
 * const { agree, grants } = reconcile([homeReport, visitedReport]);
 */
export function reconcile(reports: readonly GrantReport[]): Reconciliation {
  const ids = new Set<string>();
  for (const report of reports) for (const grant of report.grants) ids.add(grant.id);
  const grants = [...ids].sort(compare).map((id) => reconcileGrant(id, reports));
  return { agree: grants.every((g) => g.verdict !== "discrepancy"), grants };
}

function reconcileGrant(id: string, reports: readonly GrantReport[]): GrantReconciliation {
  const issues: string[] = [];
  // The parties the grant names, from any report that lists it.
  const any = reports.flatMap((r) => r.grants).find((g) => g.id === id)!;
  const side = (party: string) => entryOf(id, party, any, reports, issues);
  const home = side(any.home);
  const visited = side(any.visited);
  const result = (verdict: GrantVerdict): GrantReconciliation => ({
    id,
    verdict,
    issues,
    ...(home.entry ? { home: home.entry } : {}),
    ...(visited.entry ? { visited: visited.entry } : {}),
  });
  if (issues.length > 0) return result("discrepancy");
  if (!home.entry || !visited.entry) {
    const absent = !home.entry ? any.home : any.visited;
    issues.push(`no report from ${absent} covers it`);
    return result("unchecked");
  }
  for (const term of TERMS) {
    if (JSON.stringify(home.entry[term]) !== JSON.stringify(visited.entry[term])) {
      issues.push(
        `${term} differs: home ${show(home.entry[term])}, visited ${show(visited.entry[term])}`,
      );
    }
  }
  if (issues.length > 0) return result("discrepancy");
  return result(compareUsage(home.entry, visited.entry, issues));
}

/**
 * The entry of grant `id` in the reports signed by `party`: undefined when
 * no report of `party` is expected to list it; an issue when one is and
 * does not, or when two of its reports disagree about it.
 */
function entryOf(
  id: string,
  party: string,
  grant: GrantReportEntry,
  reports: readonly GrantReport[],
  issues: string[],
): { entry?: GrantReportEntry } {
  const own = reports.filter((r) => r.gateway === party);
  const listed = own.flatMap((r) => r.grants.filter((g) => g.id === id));
  const other = party === grant.home ? grant.visited : grant.home;
  const expected = own.some((r) => covers(r, grant, other));
  if (listed.length === 0) {
    if (expected) issues.push(`missing from the report of ${party}`);
    return {};
  }
  if (listed.some((g) => JSON.stringify(g) !== JSON.stringify(listed[0]))) {
    issues.push(`the reports of ${party} disagree with each other about it`);
  }
  return { entry: listed[0]! };
}

/** Whether a report is expected to list the grant: its period covers it, its peer filter allows it. */
function covers(report: GrantReport, grant: GrantReportEntry, other: string): boolean {
  const issued = Date.parse(grant.issued_at);
  return (
    Date.parse(report.period.from) <= issued &&
    issued < Date.parse(report.period.to) &&
    (report.peer === undefined || report.peer === other)
  );
}

/** Both sides present with the same terms: does what each counts as used agree? */
function compareUsage(
  home: GrantReportEntry,
  visited: GrantReportEntry,
  issues: string[],
): GrantVerdict {
  const homeUsed = home.used.amount;
  const visitedUsed = visited.used.amount;
  // Amounts are canonical (§3.2): equal values are equal strings.
  const settled = visited.status === "closed" || visited.status === "closing";
  if (home.status === "closed" && settled) {
    if (homeUsed === visitedUsed) return "agree";
    issues.push(`used differs: home ${homeUsed}, visited ${visitedUsed}`);
    return "discrepancy";
  }
  if (home.status === "lapsed") {
    issues.push(
      settled
        ? `lapsed at the home (counted ${homeUsed}) before the final report of ${visitedUsed} arrived`
        : `lapsed at the home (counted ${homeUsed}) while the visited gateway still has it open`,
    );
    return "discrepancy";
  }
  if (home.status === "closed") {
    issues.push("closed at the home, still open at the visited gateway");
    return "discrepancy";
  }
  // Open at the home: the visited gateway's count can only be ahead of what it reported.
  if (greater(homeUsed, visitedUsed)) {
    issues.push(`the home counts ${homeUsed} used, more than the ${visitedUsed} committed`);
    return "discrepancy";
  }
  issues.push(
    visited.status === "closing"
      ? "final report sent, not yet applied at the home"
      : "open at both: nothing to settle yet",
  );
  return "open";
}

/** `a > b` for amounts (checked canonical by the report schema). */
function greater(a: string, b: string): boolean {
  return parseAmount(a)! > parseAmount(b)!;
}

function show(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
