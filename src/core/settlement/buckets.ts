/**
 * @module Settlement buckets: fixed hours of commit time whose totals are
 * kept at commit, so that a report sums whole buckets plus the entries of the
 * partial buckets at its edges, and its cost does not grow with the history
 * (spec §10.2).
 */

/** The width of a bucket: one hour, in ms. */
export const BUCKET_MS = 3_600_000;

/** [from, to) in ms since the epoch. */
export interface Span {
  from: number;
  to: number;
}

/** The start of the bucket holding instant `at` (ms since the epoch). */
export function bucketOf(at: number): number {
  return Math.floor(at / BUCKET_MS) * BUCKET_MS;
}

/**
 * A report's period as the buckets wholly inside it (bucket starts in
 * `whole`, if any) and the partial spans at its edges, read entry by entry.
 * Together they cover [from, to) exactly once.
 *
 * @example
 * splitPeriod(Date.parse("2026-12-01T00:30:00Z"), Date.parse("2026-12-01T03:00:00Z"))
 * // whole: 01:00 to 03:00; edges: [00:30, 01:00)
 */
export function splitPeriod(from: number, to: number): { whole?: Span; edges: Span[] } {
  if (from >= to) return { edges: [] };
  const first = Math.ceil(from / BUCKET_MS) * BUCKET_MS;
  const last = bucketOf(to);
  if (first >= last) return { edges: [{ from, to }] };
  const edges: Span[] = [];
  if (from < first) edges.push({ from, to: first });
  if (last < to) edges.push({ from: last, to });
  return { whole: { from: first, to: last }, edges };
}
