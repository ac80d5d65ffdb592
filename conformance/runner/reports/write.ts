/**
 * @module Writing a report to a directory: report.json, junit.xml and
 * report.html, side by side.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Report } from "../types.ts";
import { toHtml } from "./html.ts";
import { toJunit } from "./junit.ts";

export function writeReports(
  report: Report,
  dir: string,
): { json: string; junit: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const paths = {
    json: join(dir, "report.json"),
    junit: join(dir, "junit.xml"),
    html: join(dir, "report.html"),
  };
  writeFileSync(paths.json, JSON.stringify(report, null, 2) + "\n");
  writeFileSync(paths.junit, toJunit(report));
  writeFileSync(paths.html, toHtml(report));
  return paths;
}
