/**
 * @module `oct conformance gateway|issuer|matrix|network`: the conformance
 * suite (`conformance/`) from the command line, with progress, a summary,
 * reports (JSON, JUnit XML, HTML) and an exit status that never calls a
 * run conformant when it is not: a MUST failure, an unreachable
 * implementation, or (with `--strict`) a SHOULD failure exits 1; a
 * selection that names nothing exits 2.
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { checkIssuer } from "../../../conformance/runner/issuer.ts";
import { loadTestNetwork, SUITE_NAMES, VECTORS_DIR } from "../../../conformance/runner/load.ts";
import { toMatrixHtml } from "../../../conformance/runner/reports/html.ts";
import { writeReports } from "../../../conformance/runner/reports/write.ts";
import {
  CALLBACK_SUITES,
  CallbackError,
  DEFAULT_CALLBACK,
  runGatewaySuite,
  SelectionError,
} from "../../../conformance/runner/run.ts";
import type { CaseResult, Report } from "../../../conformance/runner/types.ts";
import {
  readJson,
  required,
  UsageError,
  type Command,
  type Output,
  type Values,
} from "../command.ts";

function progress(done: number, total: number, result: CaseResult): void {
  if (!process.stderr.isTTY) return;
  const mark = result.status === "pass" ? "." : result.status === "skip" ? "-" : "F";
  process.stderr.write(
    `\r[${String(done).padStart(String(total).length)}/${total}] ${mark} ${result.id.padEnd(12)}`,
  );
  if (done === total) process.stderr.write("\n");
}

const ratio = (level: { passed: number; failed: number }) =>
  `${level.passed}/${level.passed + level.failed}`;

/** Whether a run passes: no MUST failure, reachable, and with --strict no SHOULD failure. */
export function passes(report: Report, strict: boolean): boolean {
  return (
    report.reachable && report.summary.conformant && (!strict || report.summary.warnings === 0)
  );
}

export function summaryText(report: Report, strict = false): string {
  const s = report.summary;
  const lines = [
    `OCT conformance ${report.tool.version} — ${report.target.name ?? report.target.url}`,
    `  ${s.total} cases: ${s.passed} passed, ${s.failed} failed, ${s.errors} errors, ${s.skipped} skipped`,
    `  MUST ${ratio(s.byLevel.MUST)} passed, SHOULD ${ratio(s.byLevel.SHOULD)} passed` +
      (s.warnings > 0
        ? ` (${s.warnings} warning${s.warnings > 1 ? "s" : ""}${strict ? ", failing under --strict" : ""})`
        : ""),
  ];
  for (const note of report.notes) lines.push(`  note: ${note}`);
  for (const r of report.results.filter((r) => r.status === "fail" || r.status === "error")) {
    const mark = r.level === "SHOULD" && !strict ? "!" : "✗";
    lines.push(`  ${mark} ${r.id} [${r.level}] §${r.section} ${r.title}\n      ${r.message}`);
  }
  if (!report.reachable) lines.push("  NOT conformant: the implementation cannot be reached");
  else if (!s.conformant) lines.push("  NOT conformant");
  else if (strict && s.warnings > 0)
    lines.push("  NOT conformant under --strict: a SHOULD case failed");
  else
    lines.push(
      s.warnings > 0
        ? "  conformant: every MUST case passed (SHOULD failures are warnings)"
        : "  conformant: every MUST case passed",
    );
  return lines.join("\n");
}

/** Prints the summary, writes the reports; the exit status. */
function finish(report: Report, values: Values, out: Output): number {
  const strict = values.strict === true;
  if (typeof values["report-dir"] === "string") {
    const paths = writeReports(report, values["report-dir"]);
    if (!values.json) out.print(`reports: ${paths.json}, ${paths.junit}, ${paths.html}`);
  }
  out.print(values.json ? JSON.stringify(report) : summaryText(report, strict));
  return passes(report, strict) ? 0 : 1;
}

const list = (value: unknown) => (Array.isArray(value) ? (value as string[]) : undefined);

const CALLBACK_OPTION = { type: "string" } as const;

/** The callback base URL of `--callback`, checked. */
function callbackOf(values: Values): string {
  const callback = typeof values.callback === "string" ? values.callback : DEFAULT_CALLBACK;
  if (!/^https?:\/\/[^/]+\/?$/.test(callback))
    throw new UsageError(
      `--callback must be a base URL such as ${DEFAULT_CALLBACK}, not ${callback}`,
    );
  return callback;
}

/** Runs the suite, turning a selection or callback problem into a usage error (exit 2). */
async function run(options: Parameters<typeof runGatewaySuite>[0]): Promise<Report> {
  try {
    return await runGatewaySuite(options);
  } catch (error) {
    if (error instanceof SelectionError || error instanceof CallbackError)
      throw new UsageError(error.message);
    throw error;
  }
}

const EXIT_STATUSES = `exit status:
  0  conformant: no MUST case failed (a failed SHOULD case is a warning)
  1  not conformant: a MUST case failed or erred, the implementation cannot be
     reached, or, with --strict, a SHOULD case failed; for matrix, any
     implementation so
  2  usage error: an unknown option, suite or --only prefix, a missing
     argument, or a --callback address the runner cannot listen at`;

const REPORTS = `reports (--report-dir DIR): report.json (machine readable), junit.xml (CI
systems), report.html (one self-contained page: each failure with what was
sent, expected and received, and the requirement → cases matrix).`;

export const conformanceGateway: Command = {
  name: "conformance gateway",
  summary: "run the conformance suite against a gateway (it must load the suite's test network)",
  usage:
    "oct conformance gateway --url URL [--suite NAME ...] [--only ID-PREFIX ...] [--callback URL] [--strict] [--report-dir DIR] [--name NAME]",
  example:
    "oct conformance gateway --url http://127.0.0.1:8787 --report-dir conformance/reports/local",
  help: `The gateway must load the suite's test network: conformance/vectors/network.json,
or the output of \`oct conformance network --callback URL\`.

options:
  --url URL           the gateway under test
  --suite NAME        run this suite only (repeatable): ${SUITE_NAMES.join(", ")}
  --only ID-PREFIX    run the cases whose id starts so (repeatable), e.g. tv-02, ks-
  --callback URL      where the gateway reaches the runner's own server, which plays
                      carriers' key sets and status lists, webhook providers and peer
                      gateways for the suites ${CALLBACK_SUITES.join(", ")}
                      (default ${DEFAULT_CALLBACK}; the runner listens on its port)
  --strict            a failed SHOULD case fails the run too
  --report-dir DIR    write the reports there
  --name NAME         the implementation's name in the reports

${REPORTS}

${EXIT_STATUSES}`,
  options: {
    url: { type: "string" },
    suite: { type: "string", multiple: true },
    only: { type: "string", multiple: true },
    callback: CALLBACK_OPTION,
    strict: { type: "boolean" },
    "report-dir": { type: "string" },
    name: { type: "string" },
  },
  async run(values, out) {
    const url = required(values, "url");
    if (!/^https?:\/\//.test(url)) throw new UsageError("--url must be an http(s) URL");
    const report = await run({
      url,
      callback: callbackOf(values),
      ...(typeof values.name === "string" ? { name: values.name } : {}),
      ...(list(values.suite) ? { suites: list(values.suite)! } : {}),
      ...(list(values.only) ? { only: list(values.only)! } : {}),
      onProgress: progress,
    });
    if (!report.reachable)
      out.error(`oct conformance gateway: cannot reach the gateway at ${url}: is it running?`);
    else if (report.results[0]?.status !== "pass")
      out.error(
        "oct conformance gateway: the gateway answers, but refuses the suite's good token: does it load the suite's test network (conformance/vectors/network.json)?",
      );
    return finish(report, values, out);
  },
};

export const conformanceIssuer: Command = {
  name: "conformance issuer",
  summary:
    "check a carrier's key set and sample tokens (typ, alg, kid, claims, lifetime, key strength)",
  usage:
    "oct conformance issuer (--jwks-uri URL | --jwks FILE) --tokens FILE [--strict] [--report-dir DIR]",
  example:
    "oct conformance issuer --jwks-uri https://tokens.carrier-a.example/.well-known/jwks.json --tokens samples.txt",
  help: `options:
  --jwks-uri URL      the carrier's published key set
  --jwks FILE         or the key set as a file (the output of \`oct jwks\`)
  --tokens FILE       sample tokens, one a line, or a JSON array
  --strict            a failed SHOULD check fails the run too
  --report-dir DIR    write the reports there

${REPORTS}

${EXIT_STATUSES}`,
  options: {
    "jwks-uri": { type: "string" },
    jwks: { type: "string" },
    tokens: { type: "string" },
    strict: { type: "boolean" },
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
    return finish(
      await checkIssuer({ jwks, jwksSource: source, tokens, now: Math.floor(Date.now() / 1000) }),
      values,
      out,
    );
  },
};

interface Implementation {
  name: string;
  url: string;
  callback?: string;
}

export const conformanceMatrix: Command = {
  name: "conformance matrix",
  summary:
    "run the suite against several gateways and write an interop matrix (implementations × cases)",
  usage: "oct conformance matrix --manifest FILE --report-dir DIR [--callback URL] [--strict]",
  example:
    "oct conformance matrix --manifest conformance/manifest.example.json --report-dir conformance/reports/matrix",
  help: `The manifest is { "implementations": [{ "name", "url", "callback"? }, ...] };
each implementation loads the suite's test network (for its callback address).

options:
  --manifest FILE     the implementations
  --report-dir DIR    one directory of reports per implementation, and matrix.html
  --callback URL      the callback address of implementations that name none
                      (default ${DEFAULT_CALLBACK})
  --strict            a failed SHOULD case fails an implementation too

${REPORTS}

${EXIT_STATUSES}`,
  options: {
    manifest: { type: "string" },
    "report-dir": { type: "string" },
    callback: CALLBACK_OPTION,
    strict: { type: "boolean" },
  },
  async run(values, out) {
    const manifest = readJson(required(values, "manifest"), "manifest") as {
      implementations?: Implementation[];
    };
    if (!Array.isArray(manifest.implementations) || manifest.implementations.length === 0) {
      throw new UsageError('the manifest is { "implementations": [{ "name", "url" }, ...] }');
    }
    const dir = required(values, "report-dir");
    const strict = values.strict === true;
    const fallback = callbackOf(values);
    const reports: Report[] = [];
    for (const implementation of manifest.implementations) {
      const report = await run({
        name: implementation.name,
        url: implementation.url,
        callback: implementation.callback ?? fallback,
        onProgress: progress,
      });
      writeReports(report, join(dir, implementation.name.replace(/[^A-Za-z0-9._-]/g, "_")));
      reports.push(report);
      if (!values.json) out.print(summaryText(report, strict));
    }
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "matrix.html"), toMatrixHtml(reports));
    const failing = reports.filter((r) => !passes(r, strict));
    out.print(
      values.json
        ? JSON.stringify(
            reports.map((r) => ({ target: r.target, reachable: r.reachable, summary: r.summary })),
          )
        : `matrix: ${join(dir, "matrix.html")}` +
            (failing.length > 0
              ? `\nnot conformant: ${failing.map((r) => `${r.target.name}${r.reachable ? "" : " (cannot be reached)"}`).join(", ")}`
              : ""),
    );
    return failing.length > 0 ? 1 : 0;
  },
};

export const conformanceNetwork: Command = {
  name: "conformance network",
  summary: "print the suite's test network, for a gateway that reaches the runner at --callback",
  usage: "oct conformance network [--callback URL] [--out FILE]",
  example:
    "oct conformance network --callback http://host.docker.internal:8799 --out conformance-network.json",
  help: `The test network (conformance/vectors/network.json) names the runner's callback
server at ${DEFAULT_CALLBACK}, where carriers' key sets and status lists, webhook
providers and peer gateways live. A gateway that reaches the runner elsewhere (a container, another host)
loads this command's output instead, and the run is given the same --callback.

options:
  --callback URL      the runner's address as the gateway reaches it
  --out FILE          write the network there instead of printing it`,
  options: { callback: CALLBACK_OPTION, out: { type: "string" } },
  async run(values, out) {
    const text = JSON.stringify(loadTestNetwork(VECTORS_DIR, callbackOf(values)), null, 2);
    if (typeof values.out === "string") writeFileSync(values.out, `${text}\n`);
    else out.print(text);
  },
};
