/**
 * `oct conformance`: exit statuses that never call a failing, unreachable or
 * misselected run conformant, SHOULD failures as warnings unless
 * `--strict`, the matrix of several implementations, `--help`, and the
 * test network for another callback address.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.ts";
import { createGateway } from "../../../src/gateway/app.ts";
import { nodePorts } from "../../../src/runtime/node-ports.ts";
import { loadNetworkFile } from "../../../src/adapters/config/file.ts";
import { capture } from "../../support/cli.ts";
import { conformanceNetwork, type ConformanceNetwork } from "../../support/conformance.ts";
import { ROOT } from "../../support/processes.ts";
import { serveApp } from "../../support/serve.ts";
import { WEAKENED_GATEWAYS } from "../../support/weakened-gateways.ts";

const run = (...argv: string[]) => capture(main, argv);

let net: ConformanceNetwork;
let good: Awaited<ReturnType<typeof serveApp>>;
let weak: Awaited<ReturnType<typeof serveApp>>;
let unaware: Awaited<ReturnType<typeof serveApp>>;
let noRequestIds: Awaited<ReturnType<typeof serveApp>>;

beforeAll(async () => {
  net = await conformanceNetwork();
  const ports = () => nodePorts({ network: net.network, dbPath: ":memory:" });
  good = await serveApp(createGateway(ports()));
  const skewed = WEAKENED_GATEWAYS.find((variant) => variant.name === "unbounded-clock-skew")!;
  weak = await serveApp(skewed.build(ports()));
  // A gateway that answers, but on another network: it knows no carrier of the suite.
  const demo = loadNetworkFile(join(ROOT, "config/demo/network.json"));
  unaware = await serveApp(createGateway(nodePorts({ network: demo, dbPath: ":memory:" })));
  // Breaks a SHOULD only: problems without request_id (spec §7.2).
  const inner = createGateway(ports());
  noRequestIds = await serveApp(
    new Hono().all("*", async (c) => {
      const answer = await inner.fetch(c.req.raw);
      if (answer.status < 400) return answer;
      const { request_id: _, ...problem } = (await answer.json()) as Record<string, unknown>;
      return new Response(JSON.stringify(problem), answer);
    }),
  );
});
afterAll(async () => {
  for (const server of [good, weak, unaware, noRequestIds]) await server?.close();
});

describe("oct conformance gateway", () => {
  it("runs the suite, writes the reports and exits 0 for a conformant gateway", async () => {
    const dir = mkdtempSync(join(tmpdir(), "oct-conf-cli-"));
    const result = await run(
      "conformance",
      "gateway",
      "--url",
      good.url,
      "--callback",
      net.callback,
      "--report-dir",
      dir,
    );
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain("conformant: every MUST case passed");
    expect(result.stdout).toMatch(/MUST (\d+)\/\1 passed, SHOULD (\d+)\/\2 passed/);
    for (const file of ["report.json", "junit.xml", "report.html"])
      expect(existsSync(join(dir, file))).toBe(true);
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).toContain("Requirements");
    expect(html).toContain("R-6an2f");
  }, 180_000);

  it("exits 1 and names the failing MUST cases for a gateway that accepts expired tokens", async () => {
    const result = await run(
      "conformance",
      "gateway",
      "--url",
      weak.url,
      "--suite",
      "token-verification",
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/✗ tv-\d{3} \[MUST\] §6\.2 step 8\.4/);
    expect(result.stdout).toContain("NOT conformant");
  });

  it("reports a SHOULD failure as a warning (exit 0), and fails it under --strict (exit 1)", async () => {
    const args = ["conformance", "gateway", "--url", noRequestIds.url, "--suite", "http-api"];
    const lenient = await run(...args);
    expect(lenient.status, lenient.stdout).toBe(0);
    expect(lenient.stdout).toMatch(/SHOULD \d+\/\d+ passed \(1 warning\)/);
    expect(lenient.stdout).toContain("! api-070 [SHOULD]");
    expect(lenient.stdout).toContain(
      "conformant: every MUST case passed (SHOULD failures are warnings)",
    );
    const strict = await run(...args, "--strict");
    expect(strict.status).toBe(1);
    expect(strict.stdout).toContain("NOT conformant under --strict");
  });

  it("says the gateway cannot be reached, not that it loads the wrong network", async () => {
    const result = await run("conformance", "gateway", "--url", "http://127.0.0.1:9");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("cannot reach the gateway at http://127.0.0.1:9");
    expect(result.stderr).not.toContain("network.json");
    expect(result.stdout).toContain("NOT conformant: the implementation cannot be reached");
  });

  it("says a gateway that answers but refuses the suite's good token loads another network", async () => {
    const result = await run(
      "conformance",
      "gateway",
      "--url",
      unaware.url,
      "--suite",
      "conversion",
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("does it load the suite's test network");
    expect(result.stderr).not.toContain("cannot reach");
  });

  it.each([
    [["--suite", "token-verfication"], "unknown suite token-verfication"],
    [["--only", "zz-"], "--only zz- selects no case"],
    [["--suite", "conversion", "--only", "tv-001"], "--only tv-001 selects no case of conversion"],
    [["--callback", "not a url"], "--callback must be a base URL"],
  ])("refuses %j as a usage error (exit 2), never as conformant", async (extra, message) => {
    const result = await run("conformance", "gateway", "--url", good.url, ...extra);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).not.toContain("conformant");
  });

  it("--help lists the suites, the options, the report formats and the exit statuses", async () => {
    const result = await run("conformance", "gateway", "--help");
    expect(result.status).toBe(0);
    for (const text of [
      "token-verification, http-api, conversion, redemption, receipts, settlement, key-sets, providers",
      "--only ID-PREFIX",
      "--callback URL",
      "--strict",
      "junit.xml",
      "report.html",
      "exit status:",
      "2  usage error",
    ])
      expect(result.stdout).toContain(text);
  });
});

describe("oct conformance matrix", () => {
  const manifest = (implementations: unknown[]) => {
    const path = join(mkdtempSync(join(tmpdir(), "oct-matrix-")), "manifest.json");
    writeFileSync(path, JSON.stringify({ implementations }));
    return path;
  };

  it("exits 1 when one implementation fails or cannot be reached, naming each and why", async () => {
    const dir = mkdtempSync(join(tmpdir(), "oct-matrix-"));
    const result = await run(
      "conformance",
      "matrix",
      "--manifest",
      manifest([
        { name: "skewed", url: weak.url },
        { name: "gone", url: "http://127.0.0.1:9" },
      ]),
      "--report-dir",
      dir,
      "--callback",
      net.callback,
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("not conformant: skewed, gone (cannot be reached)");
    expect(existsSync(join(dir, "matrix.html"))).toBe(true);
    expect(readFileSync(join(dir, "matrix.html"), "utf8")).toContain("cannot be reached");
  }, 300_000);
});

describe("oct conformance network", () => {
  it("prints the test network with the callback URLs moved to --callback", async () => {
    const result = await run("conformance", "network", "--callback", "http://10.0.0.7:9999");
    expect(result.status).toBe(0);
    const network = JSON.parse(result.stdout) as {
      carriers: { jwks_uri?: string }[];
      providers: { endpoint?: string }[];
    };
    const urls = [
      ...network.carriers.map((c) => c.jwks_uri),
      ...network.providers.map((p) => p.endpoint),
    ].filter((u): u is string => u !== undefined && !u.includes(":9/"));
    expect(urls.length).toBeGreaterThan(20);
    for (const url of urls) expect(url).toMatch(/^http:\/\/10\.0\.0\.7:9999\//);
  });
});
