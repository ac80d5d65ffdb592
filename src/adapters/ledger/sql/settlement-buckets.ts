/**
 * @module Settlement totals per bucket (`core/settlement/buckets.ts`: one
 * row per width, bucket and group), kept in the transaction that writes each
 * entry, in atto-units as decimal integer text: exact, and never too large
 * to store.
 */
import { parseAmount } from "../../../core/amount/decimal.ts";
import {
  BUCKET_WIDTHS,
  bucketOf,
  type BucketSpan,
  type Span,
} from "../../../core/settlement/buckets.ts";
import type {
  SettlementEntry,
  SettlementQuery,
  SettlementSum,
} from "../../../core/settlement/report.ts";
import type { Row, SqlStatements, SqlValue } from "./driver.ts";

const GROUP = "carrier, provider, unit, credit_unit";

function atto(text: string): bigint {
  const value = parseAmount(text);
  if (value === undefined) throw new Error(`settlement: corrupt amount ${text}`);
  return value;
}

const sumOfRow = (row: Row): SettlementSum => ({
  carrier: String(row.carrier),
  provider: String(row.provider),
  unit: String(row.unit),
  credit_unit: String(row.credit_unit),
  debited_atto: String(row.debited_atto),
  credited_atto: String(row.credited_atto),
  count: Number(row.count),
});

function save(sql: SqlStatements, width: number, bucket: number, sum: SettlementSum): void {
  sql.run(
    `INSERT INTO settlement_buckets (width, bucket_start, ${GROUP}, debited_atto, credited_atto, count)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (width, bucket_start, ${GROUP}) DO UPDATE SET
       debited_atto = excluded.debited_atto, credited_atto = excluded.credited_atto, count = excluded.count`,
    width,
    bucket,
    sum.carrier,
    sum.provider,
    sum.unit,
    sum.credit_unit,
    sum.debited_atto,
    sum.credited_atto,
    sum.count,
  );
}

type Addend = Pick<
  SettlementEntry,
  "carrier" | "provider" | "unit" | "credit_unit" | "debited" | "credited"
>;

/** A group's sum (or nothing yet) plus one entry. */
function plus(sum: SettlementSum | undefined, entry: Addend): SettlementSum {
  return {
    carrier: entry.carrier,
    provider: entry.provider,
    unit: entry.unit,
    credit_unit: entry.credit_unit,
    debited_atto: (BigInt(sum?.debited_atto ?? "0") + atto(entry.debited)).toString(),
    credited_atto: (BigInt(sum?.credited_atto ?? "0") + atto(entry.credited)).toString(),
    count: (sum?.count ?? 0) + 1,
  };
}

/** Adds a new entry to its buckets' totals, one per width. Inside the transaction that inserts the entry. */
export function addToBuckets(sql: SqlStatements, entry: SettlementEntry): void {
  for (const width of BUCKET_WIDTHS) {
    const bucket = bucketOf(entry.committed_at, width);
    const row = sql.all(
      `SELECT ${GROUP}, debited_atto, credited_atto, count FROM settlement_buckets
       WHERE width = ? AND bucket_start = ? AND carrier = ? AND provider = ? AND unit = ? AND credit_unit = ?`,
      width,
      bucket,
      entry.carrier,
      entry.provider,
      entry.unit,
      entry.credit_unit,
    )[0];
    save(sql, width, bucket, plus(row && sumOfRow(row), entry));
  }
}

/** `column` in [from, to), and the query's filters, as SQL. */
export function periodFilter(
  column: string,
  span: Span,
  query: SettlementQuery,
): { where: string; params: SqlValue[] } {
  const conditions = [`${column} >= ?`, `${column} < ?`];
  const params: SqlValue[] = [span.from, span.to];
  if (query.carrier !== undefined) {
    conditions.push("carrier = ?");
    params.push(query.carrier);
  }
  if (query.provider !== undefined) {
    conditions.push("provider = ?");
    params.push(query.provider);
  }
  return { where: conditions.join(" AND "), params };
}

/** The totals of the buckets of `span.width` starting in `span`, filtered as the query says. */
export function bucketSums(
  sql: SqlStatements,
  span: BucketSpan,
  query: SettlementQuery,
): SettlementSum[] {
  const { where, params } = periodFilter("bucket_start", span, query);
  return sql
    .all(
      `SELECT ${GROUP}, debited_atto, credited_atto, count FROM settlement_buckets
       WHERE width = ? AND ${where}`,
      span.width,
      ...params,
    )
    .map(sumOfRow);
}

/** Fills the buckets from the entries already kept (a migration). */
export function backfillBuckets(sql: SqlStatements): void {
  const buckets = new Map<string, { width: number; bucket: number; sum: SettlementSum }>();
  for (const row of sql.all(
    `SELECT ${GROUP}, debited, credited, committed_at FROM settlement_entries`,
  )) {
    const entry = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, String(v)])) as Addend;
    for (const width of BUCKET_WIDTHS) {
      const bucket = bucketOf(Number(row.committed_at), width);
      const group = [entry.carrier, entry.provider, entry.unit, entry.credit_unit];
      const key = JSON.stringify([width, bucket, ...group]);
      buckets.set(key, { width, bucket, sum: plus(buckets.get(key)?.sum, entry) });
    }
  }
  for (const { width, bucket, sum } of buckets.values()) save(sql, width, bucket, sum);
}
