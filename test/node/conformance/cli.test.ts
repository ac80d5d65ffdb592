import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VECTORS_DIR } from "../../../conformance/runner/load.ts";
import { loadNetworkFile } from "../../../src/adapters/config/file.ts";
import { main } from "../../../src/cli/main.ts";
import { createGateway } from "../../../src/gateway/app.ts";
import { nodePorts } from "../../../src/runtime/node-ports.ts";
import { serveApp } from "../../support/serve.ts";
import { capture } from "../../support/cli.ts";
import { WEAKENED_GATEWAYS } from "../../support/weakened-gateways.ts";

const run = (...argv: string[]) => capture(main, argv);

let good: Awaited<ReturnType<typeof serveApp>>;
let weak: Awaited<ReturnType<typeof serveApp>>;
beforeAll(async () => {
  const network = loadNetworkFile(join(VECTORS_DIR, "network.json"));
  good = await serveApp(createGateway(nodePorts({ network, dbPath: ":memory:" })));
  const skewed = WEAKENED_GATEWAYS.find((variant) => variant.name === "unbounded-clock-skew")!;
  weak = await serveApp(skewed.build(nodePorts({ network, dbPath: ":memory:" })));
});
afterAll(async () => {
  await good?.close();
  await weak?.close();
});

describe("oct conformance gateway", () => {
  it("runs the suite, writes the reports and exits 0 for a conformant gateway", async () => {
    const dir = mkdtempSync(join(tmpdir(), "oct-conf-cli-"));
    const result = await run("conformance", "gateway", "--url", good.url, "--report-dir", dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("conformant: every MUST case passed");
    for (const file of ["report.json", "junit.xml", "report.html"])
      expect(existsSync(join(dir, file))).toBe(true);
  });

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

  it("says so when the gateway cannot be reached", async () => {
    const result = await run("conformance", "gateway", "--url", "http://127.0.0.1:9");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("cannot reach the gateway at http://127.0.0.1:9");
  });
});
