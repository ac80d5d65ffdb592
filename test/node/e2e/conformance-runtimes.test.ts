/**
 * The conformance suite against the real runtimes: the Node entry point
 * (`npm start`) and the Worker under `wrangler dev` (workerd, Durable
 * Objects), each loading conformance/vectors/network.json. Every MUST and
 * SHOULD case must pass on both.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VECTORS_DIR } from "../../../conformance/runner/load.ts";
import { runGatewaySuite } from "../../../conformance/runner/run.ts";
import { startNodeGateway, startWranglerDev, type Running } from "../../support/processes.ts";

const networkPath = join(VECTORS_DIR, "network.json");

for (const [name, start] of [
  [
    "Node (npm start)",
    () =>
      startNodeGateway({
        OCT_CONFIG: networkPath,
        OCT_DB: join(mkdtempSync(join(tmpdir(), "oct-conf-")), "oct.db"),
      }),
  ],
  [
    "Workers (wrangler dev)",
    () => startWranglerDev({ OCT_CONFIG: readFileSync(networkPath, "utf8") }),
  ],
] as const) {
  describe(name, () => {
    it("passes 100% of the conformance suite", async () => {
      const gateway: Running = await start();
      try {
        const report = await runGatewaySuite({ url: gateway.url, name });
        const failures = report.results
          .filter((r) => r.status !== "pass")
          .map((r) => `${r.id} [${r.level}]: ${r.message}`);
        expect(failures).toEqual([]);
        expect(report.summary.byLevel.MUST.failed + report.summary.byLevel.SHOULD.failed).toBe(0);
      } finally {
        await gateway.stop();
      }
    }, 120_000);
  });
}
