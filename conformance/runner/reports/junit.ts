/**
 * @module The report as JUnit XML: one testsuite per vector suite, one
 * testcase per case, failures with the reason and the spec section.
 */
import type { Report } from "../types.ts";

const escapeXml = (text: string) =>
  text
    .replace(
      /[<>&"']/g,
      (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!,
    )
    // XML 1.0 has no place for most control characters.
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, "");

export function toJunit(report: Report): string {
  const suites = new Map<string, Report["results"]>();
  for (const r of report.results) suites.set(r.suite, [...(suites.get(r.suite) ?? []), r]);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(
    `<testsuites name="OCT conformance ${escapeXml(report.target.url ?? report.target.name ?? "")}" tests="${report.summary.total}" failures="${report.summary.failed}" errors="${report.summary.errors}" skipped="${report.summary.skipped}">`,
  );
  for (const [suite, results] of suites) {
    const failures = results.filter((r) => r.status === "fail").length;
    const errors = results.filter((r) => r.status === "error").length;
    const skipped = results.filter((r) => r.status === "skip").length;
    const time = results.reduce((t, r) => t + r.durationMs, 0) / 1000;
    lines.push(
      `  <testsuite name="${escapeXml(suite)}" tests="${results.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time.toFixed(3)}">`,
    );
    for (const r of results) {
      const name = escapeXml(`${r.id} [${r.level}] ${r.title}`);
      const attrs = `classname="oct.${escapeXml(suite)}" name="${name}" time="${(r.durationMs / 1000).toFixed(3)}"`;
      const detail = escapeXml(
        `spec/oct.md §${r.section}\nexpected: ${JSON.stringify(r.expected)}\nreceived: ${JSON.stringify(r.received ?? null)}`,
      );
      if (r.status === "pass") lines.push(`    <testcase ${attrs}/>`);
      else if (r.status === "skip")
        lines.push(
          `    <testcase ${attrs}><skipped message="${escapeXml(r.message ?? "")}"/></testcase>`,
        );
      else {
        const tag = r.status === "fail" ? "failure" : "error";
        lines.push(
          `    <testcase ${attrs}><${tag} message="${escapeXml(r.message ?? "")}" type="${r.level}">${detail}</${tag}></testcase>`,
        );
      }
    }
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>");
  return lines.join("\n") + "\n";
}
