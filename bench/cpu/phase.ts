/**
 * @module Runs the one-core measurements (`child.ts`) in a process pinned to
 * one CPU and gathers their medians.
 */
import { spawn } from "node:child_process";
import { ALGORITHMS, type BenchAlgorithm } from "../fixtures.ts";
import { onCpu, ROOT } from "../processes.ts";
import { medianOf } from "../stats.ts";
import type { CpuOptions, CpuRun } from "./child.ts";

export interface CpuFigures {
  median: CpuRun;
  runs: CpuRun[];
}

export type CpuResults = Record<BenchAlgorithm, CpuFigures>;

/** Verifications in flight in the core loops: a server has many requests at once. */
export const IN_FLIGHT = 16;

export function runCpuPhase(
  fixturesDir: string,
  options: Omit<CpuOptions, "inFlight">,
  cpu: number | undefined,
): Promise<CpuResults> {
  const args = [
    "--disable-warning=ExperimentalWarning",
    "bench/cpu/child.ts",
    fixturesDir,
    JSON.stringify({ ...options, inFlight: IN_FLIGHT }),
  ];
  const [command, argv] = onCpu(cpu, process.execPath, args);
  // Generous: the loops are bounded; this only catches a child that hangs.
  const timeoutMs = (options.runs * options.seconds * 4 * ALGORITHMS.length + 60) * 1000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => {
      err += d;
      process.stderr.write(d);
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`one-core measurements failed (${code}):\n${err}`));
      const runs = JSON.parse(out) as Record<BenchAlgorithm, CpuRun[]>;
      const results = {} as CpuResults;
      for (const alg of ALGORITHMS) results[alg] = { median: medianOf(runs[alg]), runs: runs[alg] };
      resolve(results);
    });
  });
}
