/**
 * @module The few statistics the benchmark reports: medians across runs and
 * percentiles of latency samples.
 */

/** The median of some figures (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The `p`-th percentile (0-100) of sorted samples, nearest rank. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** The median of each numeric field over several runs of the same shape. */
export function medianOf<T extends { [K in keyof T]: number }>(runs: readonly T[]): T {
  const out: Record<string, number> = {};
  for (const key of Object.keys(runs[0] ?? {}) as (keyof T & string)[]) {
    out[key] = median(runs.map((run) => run[key]));
  }
  return out as T;
}
