/**
 * The conformance suite's vectors, and the suite against our own gateway:
 * every case must pass, and the reports show what was run.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CallbackServer } from "../../../conformance/runner/callback.ts";
import { lintTitles } from "../../../conformance/runner/lint.ts";
import {
  checkSuite,
  loadSuites,
  SUITE_NAMES,
  VECTORS_DIR,
} from "../../../conformance/runner/load.ts";
import { writeReports } from "../../../conformance/runner/reports/write.ts";
import { runGatewaySuite } from "../../../conformance/runner/run.ts";
import type { Report } from "../../../conformance/runner/types.ts";
import { createGateway } from "../../../src/gateway/app.ts";
import { nodePorts } from "../../../src/runtime/node-ports.ts";
import { conformanceNetwork, type ConformanceNetwork } from "../../support/conformance.ts";
import { serveApp } from "../../support/serve.ts";

let net: ConformanceNetwork;
const honestPorts = () => nodePorts({ network: net.network, dbPath: ":memory:" });

let ours: Report;
let served: Awaited<ReturnType<typeof serveApp>>;

beforeAll(async () => {
  net = await conformanceNetwork();
  served = await serveApp(createGateway(honestPorts()));
  ours = await runGatewaySuite({
    url: served.url,
    name: "oct (Node, in-process)",
    callback: net.callback,
  });
}, 180_000);
afterAll(() => served?.close());

describe("the vectors", () => {
  it("every suite validates against conformance/schema/vectors.schema.json, with unique ids", () => {
    const suites = loadSuites();
    // Every suite the runner names is there, in its order, and every suite file is named.
    expect(suites.map((s) => s.suite)).toEqual(SUITE_NAMES);
    const files = readdirSync(VECTORS_DIR).filter(
      (file) => file.endsWith(".json") && file !== "keys.json" && file !== "network.json",
    );
    expect(files.map((file) => file.replace(/\.json$/, "")).sort()).toEqual(
      [...SUITE_NAMES].sort(),
    );
    const ids = suites.flatMap((s) => s.cases.map((c) => c.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(150);
  });

  it("every title is unique and says what its case checks (the prose lint)", () => {
    expect(lintTitles(loadSuites())).toEqual([]);
  });

  it("the prose lint catches a duplicate title and a title its case contradicts", () => {
    const [tokens] = loadSuites(VECTORS_DIR, ["token-verification"]);
    const byId = (id: string) => tokens!.cases.find((c) => c.id === id)!;
    byId("tv-101").title = "exp 61 s ago, just beyond the skew";
    byId("tv-062").title = "Another carrier's kid is refused with key_unknown";
    byId("tv-002").title = byId("tv-001").title.toUpperCase();
    byId("tv-003").title = "A PS256 token";
    expect(lintTitles([tokens!])).toEqual([
      "tv-002: has the title of tv-001",
      'tv-003: expects the token to be accepted and should say "accepted"',
      "tv-062: names key_unknown, but the case expects alg_not_allowed",
      'tv-101: says "61 s ago" but no time of its token is ${now-61}',
    ]);
  });

  it("a malformed vector file is reported with its file and JSON Pointer", () => {
    const suite = JSON.parse(readFileSync(join(VECTORS_DIR, "conversion.json"), "utf8"));
    suite.cases[2].level = "OPTIONAL";
    expect(() => checkSuite("conversion.json", suite)).toThrow(
      'conversion.json: at "/cases/2/level"',
    );
    suite.cases[2].level = "MUST";
    suite.cases[3].id = suite.cases[2].id;
    expect(() => checkSuite("conversion.json", suite)).toThrow("duplicate case id");
  });
});

describe("our gateway", () => {
  it("passes every case of every suite", () => {
    const failures = ours.results
      .filter((r) => r.status !== "pass")
      .map((r) => `${r.id}: ${r.message}`);
    expect(failures).toEqual([]);
    expect(ours.summary.conformant).toBe(true);
    expect(ours.results[0]!.id).toBe("control-000");
  });

  it("sends every case to the gateway: a case that passes with no exchange checked nothing", () => {
    // Invariant cases judge the exchanges of the whole run rather than their own.
    const judges = new Set(
      loadSuites()
        .flatMap((suite) => suite.cases)
        .filter((c) => c.input.invariant !== undefined)
        .map((c) => c.id),
    );
    const silent = ours.results
      .filter((r) => !judges.has(r.id) && r.exchanges.length === 0)
      .map((r) => r.id);
    expect(silent).toEqual([]);
    expect(ours.results.length - judges.size).toBeGreaterThan(150);
  });

  it("serves the status lists from each run's own callback server, so that runs go side by side", async () => {
    const side = async () => {
      const other = await conformanceNetwork();
      const callback = await CallbackServer.listen(other.callback);
      const gateway = await serveApp(
        createGateway(nodePorts({ network: other.network, dbPath: ":memory:" })),
      );
      try {
        const report = await runGatewaySuite({ url: gateway.url, callback, only: ["tsl-00"] });
        return { report, fetched: callback.received().map((r) => r.path) };
      } finally {
        await gateway.close();
        await callback.close();
      }
    };
    const runs = await Promise.all([side(), side()]);
    for (const { report, fetched } of runs) {
      expect(report.results.filter((r) => r.status !== "pass")).toEqual([]);
      expect(report.results.filter((r) => r.suite === "status-lists").length).toBeGreaterThan(5);
      expect(fetched.some((path) => path.startsWith("/status-lists/tsl-001-"))).toBe(true);
    }
  }, 120_000);

  it("writes JSON, JUnit XML and a self-contained HTML report", () => {
    const dir = mkdtempSync(join(tmpdir(), "oct-reports-"));
    const paths = writeReports(ours, dir);
    expect(JSON.parse(readFileSync(paths.json, "utf8")).summary.total).toBe(ours.summary.total);
    const junit = readFileSync(paths.junit, "utf8");
    expect(junit).toMatch(/^<\?xml/);
    expect(junit).toContain('<testsuite name="token-verification"');
    expect(junit).toContain('failures="0"');
    const html = readFileSync(paths.html, "utf8");
    expect(html).toContain("conformant: every MUST case passed");
    expect(html).not.toMatch(/<script src=|<link /);
  });
});
