/**
 * @module How long each measurement lasts: the full run (five short runs of
 * everything, about 8 minutes on 2 slow cores) or `--quick` (about a minute and a half, one run each: a smoke test of
 * the benchmark itself, not figures to quote).
 */

export interface BenchOptions {
  quick: boolean;
  /** Runs of every measurement; each figure is the median over them. */
  runs: number;
  /** Seconds of each raw or core verification loop. */
  cpuSeconds: number;
  /** Seconds of each throughput run at 50 connections. */
  loadSeconds: number;
  /** Seconds and request cap of each one-at-a-time latency run. */
  latencySeconds: number;
  latencyRequests: number;
  /** Seconds of load before the first run of each endpoint. */
  warmupSeconds: number;
  connections: number;
  /** Skip `wrangler dev` (workerd) when it cannot start here. */
  workerd: boolean;
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  const unknown = argv.filter((a) => a !== "--quick" && a !== "--no-workerd");
  if (unknown.length > 0) {
    throw new Error(`unknown option(s) ${unknown.join(" ")}; use --quick and/or --no-workerd`);
  }
  const quick = argv.includes("--quick");
  const workerd = !argv.includes("--no-workerd");
  return quick
    ? {
        quick,
        workerd,
        runs: 1,
        cpuSeconds: 0.5,
        loadSeconds: 1.5,
        latencySeconds: 0.5,
        latencyRequests: 1000,
        warmupSeconds: 0.5,
        connections: 50,
      }
    : {
        quick,
        workerd,
        runs: 5,
        cpuSeconds: 1,
        loadSeconds: 1.5,
        latencySeconds: 1.2,
        latencyRequests: 4000,
        warmupSeconds: 1.5,
        connections: 50,
      };
}
