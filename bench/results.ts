/**
 * @module The JSON record of a run: `bench/results/<ISO timestamp>.json` and
 * a copy as `bench/results/latest.json`.
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./processes.ts";

export const RESULTS_DIR = join(ROOT, "bench/results");

/** Writes the record; returns the path of the timestamped file. */
export function writeResults(record: { started_at: string; [field: string]: unknown }): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  // Colons are awkward in file names on some systems; the rest is ISO 8601.
  const path = join(RESULTS_DIR, `${record.started_at.replace(/:/g, "-")}.json`);
  writeFileSync(path, JSON.stringify(record, null, 2) + "\n");
  copyFileSync(path, join(RESULTS_DIR, "latest.json"));
  return path;
}
