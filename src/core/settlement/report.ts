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

/**
 * Part of a report: the sums of some of one group's entries, in atto-units
 * as decimal integer text (a stored sum may outgrow the amount grammar before
 * a report would refuse it, spec §10.2). Stores answer sums; the report
 * merges them.
 */
export interface SettlementSum {
  carrier: string;
  provider: string;
  unit: string;
  credit_unit: string;
  debited_atto: string;
  credited_atto: string;
  count: number;
}

/** One entry as a sum of one. */
export function sumOfEntry(entry: SettlementEntry): SettlementSum {
  return {
    carrier: entry.carrier,
    provider: entry.provider,
    unit: entry.unit,
    credit_unit: entry.credit_unit,
    debited_atto: parseAmount(entry.debited)!.toString(),
    credited_atto: parseAmount(entry.credited)!.toString(),
    count: 1,
  };
}

/**
 * Merges sums into the report's totals: grouped, summed exactly, in the order
 * of spec §10.2.
 *
 * @example
 * totalsOf(entries.map(sumOfEntry))
 */
export function totalsOf(sums: Iterable<SettlementSum>): SettlementTotal[] {
  const groups = new Map<
    string,
    {
      key: Omit<SettlementTotal, "debited" | "credited" | "count">;
      debited: bigint;
      credited: bigint;
      count: number;
    }
  >();
  for (const part of sums) {
    const id = JSON.stringify([part.carrier, part.provider, part.unit, part.credit_unit]);
    let group = groups.get(id);
    if (!group) {
      group = {
        key: {
          carrier: part.carrier,
          provider: part.provider,
          unit: part.unit,
          credit_unit: part.credit_unit,
        },
        debited: 0n,
        credited: 0n,
        count: 0,
      };
      groups.set(id, group);
    }
    group.debited += BigInt(part.debited_atto);
    group.credited += BigInt(part.credited_atto);
    group.count += part.count;
  }
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...groups.values()]
    .filter((group) => group.count > 0)
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
