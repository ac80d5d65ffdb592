/**
 * @module A Node.js on this machine older than a given version (on PATH,
 * outside node_modules, where the project's own Node.js 22 lives), to show
 * what the entry points say to it.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { isTooOld } from "../../src/cli/node-version.ts";

export function olderNode(minimum: string): { path: string; version: string } | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir || dir.includes("node_modules")) continue;
    const path = join(dir, "node");
    if (!existsSync(path)) continue;
    const version = spawnSync(path, ["--version"], { encoding: "utf8" }).stdout?.trim();
    if (version && isTooOld(version.replace(/^v/, ""), minimum)) return { path, version };
  }
  return undefined;
}
