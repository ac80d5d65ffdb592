/**
 * The conformance suite against the real runtimes: the Node entry point
 * (`npm start`) and the Worker under `wrangler dev` (workerd, Durable
 * Objects), each loading the suite's test network (its callback URLs on a
 * port of this process). Every MUST and SHOULD case must pass on both, the
 * federation suite's too (spec §11): the runner plays the home to test each
 * as a visited gateway, and a visited gateway to test each as a home.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SUITE_NAMES } from "../../../conformance/runner/load.ts";
import { runGatewaySuite } from "../../../conformance/runner/run.ts";
import { conformanceNetwork, type ConformanceNetwork } from "../../support/conformance.ts";
import { startNodeGateway, startWranglerDev, type Running } from "../../support/processes.ts";

for (const [name, start] of [
  [
    "Node (npm start)",
    (net: ConformanceNetwork) =>
      startNodeGateway({
        OCT_CONFIG: net.path,
        OCT_DB: join(mkdtempSync(join(tmpdir(), "oct-conf-")), "oct.db"),
      }),
  ],
  [
    "Workers (wrangler dev)",
    (net: ConformanceNetwork) => startWranglerDev({ OCT_CONFIG: JSON.stringify(net.document) }),
  ],
] as const) {
  describe(name, () => {
    it("passes 100% of the conformance suite", async () => {
      const net = await conformanceNetwork();
      const gateway: Running = await start(net);
      try {
        const report = await runGatewaySuite({
          url: gateway.url,
          name,
          callback: net.callback,
          suites: [...SUITE_NAMES],
        });
        const failures = report.results
          .filter((r) => r.status !== "pass")
          .map((r) => `${r.id} [${r.level}]: ${r.message}`);
        expect(failures).toEqual([]);
        expect(report.summary.byLevel.MUST.failed + report.summary.byLevel.SHOULD.failed).toBe(0);
      } finally {
        await gateway.stop();
      }
    }, 240_000);
  });
}
