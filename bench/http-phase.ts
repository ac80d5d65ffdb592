/**
 * @module The HTTP measurements: every endpoint in turn, run after run
 * (latency one request at a time, then throughput at 50 connections), so
 * each ratio (verify against bare, ours against the peers) is taken within
 * one run and each figure is the median over runs.
 */
import type { Endpoint } from "./endpoints.ts";
import { preflight, sequentialLatency, type LatencyResult } from "./load/latency.ts";
import { throughput, type ThroughputResult } from "./load/throughput.ts";
import type { BenchOptions } from "./options.ts";
import { median } from "./stats.ts";

export interface HttpRun {
  throughput: ThroughputResult;
  latency: LatencyResult;
}

export interface HttpRow {
  id: string;
  runtime: string;
  operation: Endpoint["operation"];
  alg?: string;
  path: string;
  median: { rps: number; p50_us: number; p90_us: number; p99_us: number; client_cpu: number };
  /** Totals over every run, warm-up excluded. */
  refused: number;
  failed: number;
  runs: HttpRun[];
}

export interface Ratio {
  id: string;
  what: string;
  median: number;
  runs: number[];
}

/**
 * A ratio of two endpoints' figures, run by run: throughput (ours over the
 * best of `denominators`) or p99 one request at a time (ours over the
 * lowest); skipped when one side is missing.
 */
export interface RatioSpec {
  id: string;
  what: string;
  numerator: string;
  /** The best of these, in each run. */
  denominators: string[];
  measure?: "rps" | "p99";
}

export async function runHttpPhase(
  list: readonly Endpoint[],
  urls: ReadonlyMap<string, string>,
  options: BenchOptions,
  ratioSpecs: readonly RatioSpec[],
  progress: (message: string) => void,
): Promise<{ rows: HttpRow[]; ratios: Ratio[] }> {
  const url = (endpoint: Endpoint) => urls.get(endpoint.server)!;
  for (const endpoint of list) await preflight(url(endpoint), endpoint);
  const runs = new Map<string, HttpRun[]>(list.map((e) => [e.id, []]));
  for (let run = 0; run < options.runs; run++) {
    for (const endpoint of list) {
      progress(`run ${run + 1}/${options.runs}: ${endpoint.runtime} ${endpoint.id}`);
      if (run === 0) {
        await throughput(url(endpoint), endpoint, options.warmupSeconds, options.connections);
      }
      const load = await throughput(
        url(endpoint),
        endpoint,
        options.loadSeconds,
        options.connections,
      );
      const latency = await sequentialLatency(
        url(endpoint),
        endpoint,
        options.latencySeconds,
        options.latencyRequests,
      );
      runs.get(endpoint.id)!.push({ throughput: load, latency });
    }
  }
  const rows = list.map((endpoint): HttpRow => {
    const mine = runs.get(endpoint.id)!;
    const of = (pick: (r: HttpRun) => number) => median(mine.map(pick));
    const sum = (pick: (r: HttpRun) => number) => mine.reduce((total, r) => total + pick(r), 0);
    return {
      id: endpoint.id,
      runtime: endpoint.runtime,
      operation: endpoint.operation,
      ...(endpoint.alg ? { alg: endpoint.alg } : {}),
      path: endpoint.path,
      median: {
        rps: of((r) => r.throughput.rps),
        p50_us: of((r) => r.latency.p50_us),
        p90_us: of((r) => r.latency.p90_us),
        p99_us: of((r) => r.latency.p99_us),
        client_cpu: of((r) => r.throughput.client_cpu),
      },
      refused: sum((r) => r.throughput.refused + r.latency.refused),
      failed: sum((r) => r.throughput.failed + r.latency.failed),
      runs: mine,
    };
  });
  const ratios: Ratio[] = [];
  for (const spec of ratioSpecs) {
    const top = runs.get(spec.numerator);
    const others = spec.denominators.map((id) => runs.get(id)).filter((r) => r !== undefined);
    if (!top || others.length === 0) continue;
    const perRun = top.map((r, i) =>
      spec.measure === "p99"
        ? r.latency.p99_us / Math.min(...others.map((o) => o[i]!.latency.p99_us))
        : r.throughput.rps / Math.max(...others.map((o) => o[i]!.throughput.rps)),
    );
    ratios.push({ id: spec.id, what: spec.what, median: median(perRun), runs: perRun });
  }
  return { rows, ratios };
}
