/**
 * @module `oct conformance gateway|issuer|matrix`: the conformance suite
 * (`conformance/`) from the command line, with progress, a summary, reports
 * (JSON, JUnit XML, HTML) and an exit status that fails on any MUST failure.
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { checkIssuer } from "../../../conformance/runner/issuer.ts";
import { toMatrixHtml } from "../../../conformance/runner/reports/html.ts";
import { writeReports } from "../../../conformance/runner/reports/write.ts";
import { runGatewaySuite } from "../../../conformance/runner/run.ts";
import type { CaseResult, Report } from "../../../conformance/runner/types.ts";
import {
  readJson,
  required,
  UsageError,
  type Command,
  type Output,
  type Values,
} from "../command.ts";

/** Thrown to end with status 1 after the report is printed. */
export class NotConformant extends Error {
  override name = "NotConformant";
}

function progress(done: number, total: number, result: CaseResult): void {
  if (!process.stderr.isTTY) return;
  const mark = result.status === "pass" ? "." : result.status === "skip" ? "-" : "F";
  process.stderr.write(
    `\r[${String(done).padStart(String(total).length)}/${total}] ${mark} ${result.id.padEnd(12)}`,
  );
  if (done === total) process.stderr.write("\n");
}

function summaryText(report: Report): string {
  const s = report.summary;
  const lines = [
    `OCT conformance ${report.tool.version} — ${report.target.name ?? report.target.url}`,
    `  ${s.total} cases: ${s.passed} passed, ${s.failed} failed, ${s.errors} errors, ${s.skipped} skipped`,
    `  MUST ${s.byLevel.MUST.passed}/${s.byLevel.MUST.passed + s.byLevel.MUST.failed}, SHOULD ${s.byLevel.SHOULD.passed}/${s.byLevel.SHOULD.passed + s.byLevel.SHOULD.failed}`,
  ];
  for (const r of report.results.filter((r) => r.status === "fail" || r.status === "error")) {
    lines.push(`  ✗ ${r.id} [${r.level}] §${r.section} ${r.title}\n      ${r.message}`);
  }
  lines.push(s.conformant ? "  conformant: every MUST case passed" : "  NOT conformant");
  return lines.join("\n");
}

function finish(report: Report, values: Values, out: Output): void {
  if (typeof values["report-dir"] === "string") {
    const paths = writeReports(report, values["report-dir"]);
    if (!values.json) out.print(`reports: ${paths.json}, ${paths.junit}, ${paths.html}`);
  }
  out.print(values.json ? JSON.stringify(report) : summaryText(report));
  if (!report.summary.conformant) throw new NotConformant("a MUST case failed");
}

const list = (value: unknown) => (Array.isArray(value) ? (value as string[]) : undefined);

export const conformanceGateway: Command = {
  name: "conformance gateway",
  summary:
    "run the conformance suite against a gateway (it must load conformance/vectors/network.json)",
  usage:
    "oct conformance gateway --url URL [--suite NAME ...] [--only ID-PREFIX ...] [--report-dir DIR] [--name NAME]",
  example:
    "oct conformance gateway --url http://127.0.0.1:8787 --report-dir conformance/reports/local",
  options: {
    url: { type: "string" },
    suite: { type: "string", multiple: true },
    only: { type: "string", multiple: true },
    "report-dir": { type: "string" },
    name: { type: "string" },
  },
  async run(values, out) {
    const url = required(values, "url");
    if (!/^https?:\/\//.test(url)) throw new UsageError("--url must be an http(s) URL");
    const report = await runGatewaySuite({
      url,
      ...(typeof values.name === "string" ? { name: values.name } : {}),
      ...(list(values.suite) ? { suites: list(values.suite)! } : {}),
      ...(list(values.only) ? { only: list(values.only)! } : {}),
      onProgress: progress,
    });
    const control = report.results[0];
    if (control?.status === "error" && control.message?.startsWith("cannot reach")) {
      throw new Error(`cannot reach the gateway at ${url}: is it running?`);
    }
    finish(report, values, out);
  },
};

export const conformanceIssuer: Command = {
  name: "conformance issuer",
  summary:
    "check a carrier's key set and sample tokens (typ, alg, kid, claims, lifetime, key strength)",
  usage: "oct conformance issuer (--jwks-uri URL | --jwks FILE) --tokens FILE [--report-dir DIR]",
  example:
    "oct conformance issuer --jwks-uri https://tokens.carrier-a.example/.well-known/jwks.json --tokens samples.txt",
  options: {
    "jwks-uri": { type: "string" },
    jwks: { type: "string" },
    tokens: { type: "string" },
    "report-dir": { type: "string" },
  },
  async run(values, out) {
    const tokensFile = required(values, "tokens");
    let text: string;
    try {
      text = readFileSync(tokensFile, "utf8");
    } catch {
      throw new UsageError(`cannot read the tokens file ${tokensFile}`);
    }
    // One token a line, or a JSON array of tokens.
    const tokens = text.trim().startsWith("[")
      ? (JSON.parse(text) as string[])
      : text
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter(Boolean);
    let jwks: unknown;
    let source: string;
    if (typeof values["jwks-uri"] === "string") {
      source = values["jwks-uri"];
      let response: Response;
      try {
        response = await fetch(source, { redirect: "manual", signal: AbortSignal.timeout(5000) });
      } catch (error) {
        throw new Error(`cannot fetch ${source}: ${(error as Error).message}`);
      }
      if (response.status !== 200) throw new Error(`${source} answered ${response.status}`);
      jwks = await response.json().catch(() => undefined);
    } else if (typeof values.jwks === "string") {
      source = values.jwks;
      jwks = readJson(source, "key set");
    } else throw new UsageError("give --jwks-uri or --jwks");
    finish(
      await checkIssuer({ jwks, jwksSource: source, tokens, now: Math.floor(Date.now() / 1000) }),
      values,
      out,
    );
  },
};

export const conformanceMatrix: Command = {
  name: "conformance matrix",
  summary:
    "run the suite against several gateways and write an interop matrix (implementations × cases)",
  usage: "oct conformance matrix --manifest FILE --report-dir DIR",
  example:
    "oct conformance matrix --manifest conformance/manifest.example.json --report-dir conformance/reports/matrix",
  options: { manifest: { type: "string" }, "report-dir": { type: "string" } },
  async run(values, out) {
    const manifest = readJson(required(values, "manifest"), "manifest") as {
      implementations?: { name: string; url: string }[];
    };
    if (!Array.isArray(manifest.implementations) || manifest.implementations.length === 0) {
      throw new UsageError('the manifest is { "implementations": [{ "name", "url" }, ...] }');
    }
    const dir = required(values, "report-dir");
    const reports: Report[] = [];
    for (const implementation of manifest.implementations) {
      const report = await runGatewaySuite({ ...implementation, onProgress: progress });
      writeReports(report, join(dir, implementation.name.replace(/[^A-Za-z0-9._-]/g, "_")));
      reports.push(report);
      if (!values.json) out.print(summaryText(report));
    }
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "matrix.html"), toMatrixHtml(reports));
    out.print(
      values.json
        ? JSON.stringify(reports.map((r) => ({ target: r.target, summary: r.summary })))
        : `matrix: ${join(dir, "matrix.html")}`,
    );
  },
};
