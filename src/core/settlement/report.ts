/**
 * @module Settlement reports (`spec/oct.md` §10): who owes whom for a period,
 * totals per (carrier, provider, unit, credit unit), summed exactly, signed.
 */
import { formatAmount, isRepresentable, parseAmount } from "../amount/decimal.ts";
import { OctError } from "../errors.ts";
import type { PrivateJwk } from "../signing/keys.ts";
import { canonicalJson } from "../json/canonical.ts";
import { signGatewayJws } from "../receipt/sign.ts";

export const SETTLEMENT_TYPE = "oct-settlement+jwt";

/** One commit's entry: the carrier owes the provider. */
export interface SettlementEntry {
  redemption_id: string;
  carrier: string;
  provider: string;
  unit: string;
  debited: string;
  credit_unit: string;
  credited: string;
  /** ms since the epoch. */
  committed_at: number;
}

export interface SettlementQuery {
  /** [from, to) in ms since the epoch. */
  from: number;
  to: number;
  carrier?: string;
  provider?: string;
}

export interface SettlementTotal {
  carrier: string;
  provider: string;
  unit: string;
  debited: string;
  credit_unit: string;
  credited: string;
  count: number;
}

export interface SettlementReport {
  gateway: string;
  period: { from: string; to: string };
  generated_at: string;
  totals: SettlementTotal[];
  signature?: string;
}

/** Whether an entry falls in the query's period and filters. */
export function matches(entry: SettlementEntry, query: SettlementQuery): boolean {
  return (
    entry.committed_at >= query.from &&
    entry.committed_at < query.to &&
    (query.carrier === undefined || entry.carrier === query.carrier) &&
    (query.provider === undefined || entry.provider === query.provider)
  );
}

/**
 * Groups entries and sums them exactly, in the order of spec §10.2.
 *
 * @example
 * totalsOf(entries)
 */
export function totalsOf(entries: Iterable<SettlementEntry>): SettlementTotal[] {
  const groups = new Map<
    string,
    {
      key: Omit<SettlementTotal, "debited" | "credited" | "count">;
      debited: bigint;
      credited: bigint;
      count: number;
    }
  >();
  for (const entry of entries) {
    const id = JSON.stringify([entry.carrier, entry.provider, entry.unit, entry.credit_unit]);
    let group = groups.get(id);
    if (!group) {
      group = {
        key: {
          carrier: entry.carrier,
          provider: entry.provider,
          unit: entry.unit,
          credit_unit: entry.credit_unit,
        },
        debited: 0n,
        credited: 0n,
        count: 0,
      };
      groups.set(id, group);
    }
    group.debited += parseAmount(entry.debited)!;
    group.credited += parseAmount(entry.credited)!;
    group.count++;
  }
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...groups.values()]
    .sort(
      (a, b) =>
        compare(a.key.carrier, b.key.carrier) ||
        compare(a.key.provider, b.key.provider) ||
        compare(a.key.unit, b.key.unit) ||
        compare(a.key.credit_unit, b.key.credit_unit),
    )
    .map((group) => {
      if (!isRepresentable(group.debited) || !isRepresentable(group.credited)) {
        throw new OctError(
          "request_invalid",
          "a total exceeds 30 integer digits: request a shorter period",
        );
      }
      return {
        ...group.key,
        debited: formatAmount(group.debited),
        credited: formatAmount(group.credited),
        count: group.count,
      };
    });
}

/** The signed report: a JWS over the JCS form of the report without `signature`. */
export async function signedReport(
  report: Omit<SettlementReport, "signature">,
  key: PrivateJwk,
): Promise<SettlementReport> {
  const signature = await signGatewayJws(canonicalJson(report), key, SETTLEMENT_TYPE);
  return { ...report, signature };
}

const CSV_HEADER =
  "gateway,period_from,period_to,carrier,provider,unit,debited,credit_unit,credited,count";

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV form (spec §10.4): CRLF lines, the fixed header, one line per total. */
export function reportCsv(report: Omit<SettlementReport, "signature">): string {
  const lines = [CSV_HEADER];
  for (const t of report.totals) {
    lines.push(
      [
        report.gateway,
        report.period.from,
        report.period.to,
        t.carrier,
        t.provider,
        t.unit,
        t.debited,
        t.credit_unit,
        t.credited,
        t.count,
      ]
        .map(csvField)
        .join(","),
    );
  }
  return lines.join("\r\n") + "\r\n";
}
