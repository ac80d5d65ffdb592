/**
 * The test every mutant of `src/core/token/` must fail: the conformance
 * suite's token-verification vectors, one case at a time, run over HTTP
 * against our gateway in this process (the same runner and gateway as
 * `test/node/conformance/suite.test.ts`). Run by `npm run test:mutation`,
 * never by `npm test`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSuites, loadTestNetwork, VECTORS_DIR } from "../../conformance/runner/load.ts";
import { runGatewaySuite } from "../../conformance/runner/run.ts";
import { loadNetwork } from "../../src/core/network/config.ts";
import { createGateway } from "../../src/gateway/app.ts";
import { nodePorts } from "../../src/runtime/node-ports.ts";
import { serveApp } from "../support/serve.ts";

const network = loadNetwork(loadTestNetwork(VECTORS_DIR));
const [suite] = loadSuites(VECTORS_DIR, ["token-verification"]);
let served: Awaited<ReturnType<typeof serveApp>>;

beforeAll(async () => {
  served = await serveApp(createGateway(nodePorts({ network, dbPath: ":memory:" })));
});
afterAll(() => served?.close());

describe("token-verification vectors", () => {
  it.each(suite!.cases.map((c) => [c.id, c.title]))("%s %s", async (id) => {
    const report = await runGatewaySuite({
      url: served.url,
      suites: ["token-verification"],
      only: [id],
    });
    expect(report.results.filter((r) => r.status !== "pass").map((r) => r.message)).toEqual([]);
    expect(report.results.map((r) => r.id)).toEqual(["control-000", id]);
  });
});
