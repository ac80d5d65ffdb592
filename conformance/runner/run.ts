/**
 * @module Running the suite against a gateway: the positive control first
 * (can it verify a good token of the test network at all?), then every case,
 * with a persistence check after each adversarial one (does it still accept
 * a good token, or did the last case break it?), progress as it goes.
 */
import { Client, UnreachableError } from "./client.ts";
import { runCase, type RunContext } from "./cases.ts";
import { loadRecipeContext, loadSuites, VECTORS_DIR } from "./load.ts";
import { CaseFailure } from "./match.ts";
import { releaseStatusListHost } from "./status-lists.ts";

import type { Case, CaseResult, Exchange, Level, Report, Suite } from "./types.ts";

export const SUITE_VERSION = "0.1";

export interface GatewayRunOptions {
  url: string;
  name?: string;
  /** Only these suites (by name). */
  suites?: string[];
  /** Only cases whose id starts with one of these. */
  only?: string[];
  vectorsDir?: string;
  clock?: () => number;
  onProgress?: (done: number, total: number, result: CaseResult) => void;
}

/** Runs the conformance suite against a gateway and returns the report. */
export async function runGatewaySuite(options: GatewayRunOptions): Promise<Report> {
  const startedAt = new Date().toISOString();
  const suites = loadSuites(options.vectorsDir ?? VECTORS_DIR, options.suites);
  const client = new Client(options.url);
  const clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
  let gatewayInfo: Promise<{ id: string; jwks: never }> | undefined;
  const ctx: RunContext = {
    client,
    recipe: loadRecipeContext(options.vectorsDir ?? VECTORS_DIR),
    now: clock,
    gateway(log) {
      gatewayInfo ??= (async () => {
        const metadata = await client.send(log, "GET", "/.well-known/oct-gateway");
        const jwks = await client.send(log, "GET", "/.well-known/jwks.json");
        return { id: (metadata.json as { gateway: string }).gateway, jwks: jwks.json as never };
      })();
      return gatewayInfo;
    },
  };
  const planned = suites.flatMap((suite) =>
    suite.cases
      .filter((c) => !options.only || options.only.some((prefix) => c.id.startsWith(prefix)))
      .map((c) => ({ suite, c })),
  );
  const results: CaseResult[] = [];
  const record = (result: CaseResult) => {
    results.push(result);
    options.onProgress?.(results.length, planned.length + 1, result);
  };

  const control = await positiveControl(ctx);
  record(control);
  if (control.status !== "pass") {
    // Without the control nothing else means anything: report it alone.
    for (const { suite, c } of planned) record(skipped(suite, c, "the positive control failed"));
    return report(options, startedAt, results);
  }
  try {
    for (const { suite, c } of planned) {
      const result = await runOne(suite, c, ctx);
      if (result.status === "error" && result.message?.startsWith("cannot reach")) {
        record(result);
        continue;
      }
      // The persistence check: after a case that expects a refusal, a good
      // token must still be accepted, or the refusal proved nothing.
      if (isAdversarial(c)) {
        const after = await positiveControl(ctx);
        if (after.status !== "pass" && result.status === "pass") {
          result.status = "fail";
          result.message = `after this case the gateway no longer accepts a good token: ${after.message}`;
          result.exchanges.push(...after.exchanges);
        }
      }
      record(result);
    }
  } finally {
    // The status lists' port is one for every runner: free it for the next.
    await releaseStatusListHost();
  }
  return report(options, startedAt, results);
}

function isAdversarial(c: Case): boolean {
  return (
    c.expected.valid === false ||
    (typeof c.expected.status === "number" && c.expected.status >= 400)
  );
}

async function positiveControl(ctx: RunContext): Promise<CaseResult> {
  const c: Case = {
    id: "control-000",
    title: "Positive control: a good token of the test network verifies",
    level: "MUST",
    section: "6.2",
    flags: ["Control"],
    input: { token: { key: "carrier-a-eddsa" } },
    expected: { valid: true },
  };
  const suite = { suite: "token-verification" } as Suite;
  const result = await runOne(suite, c, ctx);
  if (result.status !== "pass") {
    result.message = `${result.message} — does the implementation load conformance/vectors/network.json?`;
  }
  return result;
}

async function runOne(suite: Suite, c: Case, ctx: RunContext): Promise<CaseResult> {
  const exchanges: Exchange[] = [];
  const started = performance.now();
  const base = {
    id: c.id,
    suite: suite.suite,
    title: c.title,
    level: c.level,
    section: c.section,
    flags: c.flags,
    expected: c.expected,
    exchanges,
  };
  try {
    await runCase(suite.suite, c, ctx, exchanges);
    return { ...base, status: "pass", durationMs: performance.now() - started };
  } catch (error) {
    const durationMs = performance.now() - started;
    if (error instanceof CaseFailure) {
      return {
        ...base,
        status: "fail",
        message: error.message,
        received: error.received,
        durationMs,
      };
    }
    const message =
      error instanceof UnreachableError
        ? error.message
        : `runner error: ${(error as Error).message}`;
    return { ...base, status: "error", message, durationMs };
  }
}

function skipped(suite: Suite, c: Case, why: string): CaseResult {
  return {
    id: c.id,
    suite: suite.suite,
    title: c.title,
    level: c.level,
    section: c.section,
    flags: c.flags,
    status: "skip",
    message: why,
    expected: c.expected,
    exchanges: [],
    durationMs: 0,
  };
}

export function summarise(results: readonly CaseResult[]): Report["summary"] {
  const byLevel: Record<Level, { passed: number; failed: number }> = {
    MUST: { passed: 0, failed: 0 },
    SHOULD: { passed: 0, failed: 0 },
    MAY: { passed: 0, failed: 0 },
  };
  for (const r of results) {
    if (r.status === "pass") byLevel[r.level].passed++;
    if (r.status === "fail" || r.status === "error") byLevel[r.level].failed++;
  }
  const count = (status: CaseResult["status"]) => results.filter((r) => r.status === status).length;
  return {
    total: results.length,
    passed: count("pass"),
    failed: count("fail"),
    errors: count("error"),
    skipped: count("skip"),
    byLevel,
    conformant: byLevel.MUST.failed === 0 && count("skip") === 0,
  };
}

function report(options: GatewayRunOptions, startedAt: string, results: CaseResult[]): Report {
  return {
    tool: { name: "oct-conformance", version: SUITE_VERSION },
    target: { kind: "gateway", url: options.url, ...(options.name ? { name: options.name } : {}) },
    startedAt,
    finishedAt: new Date().toISOString(),
    summary: summarise(results),
    results,
  };
}
