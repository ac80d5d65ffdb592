/**
 * @module Settlement buckets: fixed days and hours of commit time (UTC,
 * from the epoch) whose totals are kept at commit. A report sums the whole
 * days inside its period, the whole hours at the edges of those, and the
 * entries of the partial hours at its very edges, so its cost does not grow
 * with the history, and barely with its length (spec §10.2).
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Bucket widths, widest first; each divides the one before it. */
export const BUCKET_WIDTHS: readonly number[] = [DAY_MS, HOUR_MS];

/** [from, to) in ms since the epoch. */
export interface Span {
  from: number;
  to: number;
}

/** The buckets of one width whose starts lie in [from, to). */
export interface BucketSpan extends Span {
  width: number;
}

/** The start of the bucket of `width` holding instant `at` (ms since the epoch). */
export function bucketOf(at: number, width: number): number {
  return Math.floor(at / width) * width;
}

/**
 * A report's period as whole buckets, widest first, and the partial spans
 * left at its edges (at most two), to be read entry by entry. Together they
 * cover [from, to) exactly once.
 *
 * @example
 * coverPeriod(Date.parse("2026-12-01T22:30:00Z"), Date.parse("2026-12-04T01:00:00Z"))
 * // buckets: the days 12-02 and 12-03, the hours 23:00 and 00:00; edges: [22:30, 23:00)
 */
export function coverPeriod(from: number, to: number): { buckets: BucketSpan[]; edges: Span[] } {
  const buckets: BucketSpan[] = [];
  let spans: Span[] = from < to ? [{ from, to }] : [];
  for (const width of BUCKET_WIDTHS) {
    const rest: Span[] = [];
    for (const span of spans) {
      const first = Math.ceil(span.from / width) * width;
      const last = bucketOf(span.to, width);
      if (first >= last) {
        rest.push(span);
        continue;
      }
      buckets.push({ width, from: first, to: last });
      if (span.from < first) rest.push({ from: span.from, to: first });
      if (last < span.to) rest.push({ from: last, to: span.to });
    }
    spans = rest;
  }
  return { buckets, edges: spans };
}
