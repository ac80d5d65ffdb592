/**
 * @module Running the suite against a gateway: the positive control first
 * (can it verify a good token of the test network at all?), a look at its
 * clock, then every case, with a persistence check after each adversarial
 * one (does it still accept a good token, or did the last case break it?),
 * and last the rules judged on every answer of the run. The callback server
 * is started when a selected suite needs it.
 */
import { CallbackServer } from "./callback.ts";
import { Client, UnreachableError, type FullExchange } from "./client.ts";
import { runCase } from "./cases.ts";
import type { RunContext, TestNetwork } from "./context.ts";
import { checkInvariant, type Invariant } from "./invariants.ts";
import {
  loadRecipeContext,
  loadSuites,
  loadTestNetwork,
  NETWORK_CALLBACK,
  SUITE_NAMES,
  VECTORS_DIR,
} from "./load.ts";
import { CaseFailure } from "./match.ts";
import type { Case, CaseResult, Exchange, Level, Report, Suite } from "./types.ts";

export const SUITE_VERSION = "0.1";
/** Where the implementation reaches the runner's callback server unless told otherwise. */
export const DEFAULT_CALLBACK = NETWORK_CALLBACK;
/** The suites whose cases need the callback server. */
export const CALLBACK_SUITES: readonly string[] = [
  "key-sets",
  "providers",
  "federation",
  "status-lists",
];
/** Beyond this difference between the runner's clock and the gateway's, time-sensitive cases may mislead. */
export const CLOCK_TOLERANCE_SECONDS = 5;

export interface GatewayRunOptions {
  url: string;
  name?: string;
  /** Only these suites (by name). */
  suites?: string[];
  /** Only cases whose id starts with one of these. */
  only?: string[];
  vectorsDir?: string;
  clock?: () => number;
  /**
   * The base URL at which the implementation reaches the runner's callback
   * server (its key sets and webhooks), default {@link DEFAULT_CALLBACK}; or
   * a server already listening.
   */
  callback?: string | CallbackServer;
  onProgress?: (done: number, total: number, result: CaseResult) => void;
}

/** A selection that names nothing the suite has: a usage error, never "conformant". */
export class SelectionError extends Error {
  override name = "SelectionError";
}

/** The callback server cannot listen where `--callback` says. */
export class CallbackError extends Error {
  override name = "CallbackError";
}

/** The runner's own positive control: a good token of the test network verifies. */
export const CONTROL_CASE: Case = {
  id: "control-000",
  title: "Positive control: a good token of the test network verifies",
  level: "MUST",
  section: "6.2",
  requirements: ["R-6an2f", "R-jyxwc"],
  flags: ["Control"],
  input: { token: { key: "carrier-a-eddsa" } },
  expected: { valid: true },
};

/** The cases the selection plans, checked: an unknown suite or a prefix that selects nothing is refused. */
export function plan(
  suites: readonly Suite[],
  options: Pick<GatewayRunOptions, "suites" | "only">,
): { suite: Suite; c: Case }[] {
  for (const name of options.suites ?? [])
    if (!SUITE_NAMES.includes(name))
      throw new SelectionError(`unknown suite ${name}: the suites are ${SUITE_NAMES.join(", ")}`);
  const chosen = suites.filter((s) => !options.suites || options.suites.includes(s.suite));
  const planned = chosen.flatMap((suite) =>
    suite.cases
      .filter((c) => !options.only || options.only.some((prefix) => c.id.startsWith(prefix)))
      .map((c) => ({ suite, c })),
  );
  for (const prefix of options.only ?? []) {
    if (!chosen.some((s) => s.cases.some((c) => c.id.startsWith(prefix))))
      throw new SelectionError(
        `--only ${prefix} selects no case${options.suites ? ` of ${options.suites.join(", ")}` : ""}`,
      );
  }
  return planned;
}

/** Runs the conformance suite against a gateway and returns the report. */
export async function runGatewaySuite(options: GatewayRunOptions): Promise<Report> {
  const startedAt = new Date().toISOString();
  const vectorsDir = options.vectorsDir ?? VECTORS_DIR;
  const planned = plan(loadSuites(vectorsDir), options);
  const client = new Client(options.url);
  const clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
  const exchanges: FullExchange[] = [];
  const dates: { date: string; at: number }[] = [];
  client.tap((e) => {
    exchanges.push(e);
    const date = e.answer.headers.get("date");
    if (date && dates.length === 0) dates.push({ date, at: Date.now() });
  });
  let callback: CallbackServer | undefined;
  let ownCallback = false;
  if (planned.some(({ suite }) => CALLBACK_SUITES.includes(suite.suite))) {
    if (options.callback instanceof CallbackServer) callback = options.callback;
    else {
      const base = options.callback ?? DEFAULT_CALLBACK;
      try {
        callback = await CallbackServer.listen(base);
        ownCallback = true;
      } catch (error) {
        throw new CallbackError(
          `the callback server cannot listen at ${base}: ${(error as Error).message}`,
        );
      }
    }
  }
  let gatewayInfo: ReturnType<RunContext["gateway"]> | undefined;
  const ctx: RunContext = {
    client,
    recipe: loadRecipeContext(vectorsDir),
    // As the implementation loads it: its callback URLs where the callback server listens.
    network: loadTestNetwork(vectorsDir, callback?.base ?? NETWORK_CALLBACK) as TestNetwork,
    now: clock,
    sentTokens: new Set(),
    ...(callback ? { callback } : {}),
    gateway(log) {
      gatewayInfo ??= (async () => {
        const metadata = await client.send(log, "GET", "/.well-known/oct-gateway");
        const jwks = await client.send(log, "GET", "/.well-known/jwks.json");
        return { id: (metadata.json as { gateway: string }).gateway, jwks: jwks.json as never };
      })();
      return gatewayInfo;
    },
  };
  const results: CaseResult[] = [];
  const notes: string[] = [];
  const total = planned.length + 1;
  const record = (result: CaseResult) => {
    results.push(result);
    options.onProgress?.(results.length, total, result);
  };
  try {
    const control = await positiveControl(ctx);
    record(control);
    const reachable = !(control.status === "error" && control.message?.startsWith("cannot reach"));
    if (control.status !== "pass") {
      // Without the control nothing else means anything: report it alone.
      const why = reachable
        ? "the positive control failed"
        : "the implementation cannot be reached";
      for (const { suite, c } of planned) record(skipped(suite, c, why));
      return report(options, startedAt, results, notes, reachable);
    }
    const skew = clockSkew(dates[0]);
    if (skew === undefined)
      notes.push(
        "the gateway's answers carry no Date header: the runner cannot compare clocks, and judges quote expiry by its own",
      );
    else if (Math.abs(skew) > CLOCK_TOLERANCE_SECONDS)
      notes.push(
        `the gateway's clock is ${Math.abs(skew)} s ${skew < 0 ? "behind" : "ahead of"} the runner's (its Date header): ` +
          `the time-sensitive cases assume the two agree within ${CLOCK_TOLERANCE_SECONDS} s`,
      );
    const invariants = planned.filter(({ c }) => c.input.invariant !== undefined);
    for (const { suite, c } of planned) {
      if (c.input.invariant !== undefined) continue;
      const result = await runOne(suite, c, ctx, (log) => runCase(suite.suite, c, ctx, log));
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
    const seen = [...exchanges];
    for (const { suite, c } of invariants)
      record(
        await runOne(suite, c, ctx, (log) =>
          checkInvariant(c.input.invariant as Invariant, seen, ctx, log),
        ),
      );
    return report(options, startedAt, results, notes, true);
  } finally {
    if (ownCallback) await callback!.close();
  }
}

/** Seconds the gateway's Date header is ahead of the runner's clock (negative: behind). */
function clockSkew(first: { date: string; at: number } | undefined): number | undefined {
  if (!first) return undefined;
  const theirs = Date.parse(first.date);
  // A Date header has whole seconds: within a second is agreement.
  return Number.isNaN(theirs) ? undefined : Math.round((theirs - first.at) / 1000);
}

function isAdversarial(c: Case): boolean {
  return (
    c.expected.valid === false ||
    (typeof c.expected.status === "number" && c.expected.status >= 400)
  );
}

async function positiveControl(ctx: RunContext): Promise<CaseResult> {
  const suite = { suite: "token-verification" } as Suite;
  const result = await runOne(suite, CONTROL_CASE, ctx, (log) =>
    runCase("token-verification", CONTROL_CASE, ctx, log),
  );
  if (result.status === "fail") {
    result.message = `${result.message} — does the implementation load conformance/vectors/network.json?`;
  }
  return result;
}

async function runOne(
  suite: Suite,
  c: Case,
  ctx: RunContext,
  body: (log: Exchange[]) => Promise<void>,
): Promise<CaseResult> {
  const exchanges: Exchange[] = [];
  const started = performance.now();
  const base = {
    id: c.id,
    suite: suite.suite,
    title: c.title,
    level: c.level,
    section: c.section,
    requirements: c.requirements,
    flags: c.flags,
    expected: c.expected,
    exchanges,
  };
  try {
    await body(exchanges);
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
    requirements: c.requirements,
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
  const skippedMust = results.filter((r) => r.status === "skip" && r.level === "MUST").length;
  return {
    total: results.length,
    passed: count("pass"),
    failed: count("fail"),
    errors: count("error"),
    skipped: count("skip"),
    byLevel,
    conformant: byLevel.MUST.failed === 0 && skippedMust === 0,
    warnings: byLevel.SHOULD.failed,
  };
}

function report(
  options: GatewayRunOptions,
  startedAt: string,
  results: CaseResult[],
  notes: string[],
  reachable: boolean,
): Report {
  return {
    tool: { name: "oct-conformance", version: SUITE_VERSION },
    target: { kind: "gateway", url: options.url, ...(options.name ? { name: options.name } : {}) },
    startedAt,
    finishedAt: new Date().toISOString(),
    reachable,
    summary: summarise(results),
    notes,
    results,
  };
}
