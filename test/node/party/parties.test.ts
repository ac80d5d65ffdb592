/**
 * Party authentication on Node: the shared suite through the Node
 * composition, two gateways sharing one SQLite ledger file for replays.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { testGateway } from "../../support/gateway.ts";
import { definePartySuite } from "../../support/party-suite.ts";

const dir = mkdtempSync(join(tmpdir(), "oct-parties-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

definePartySuite({
  gateway: async ({ network, clock, fetch, shared }) =>
    testGateway({
      network,
      clock,
      dbPath: join(dir, `${shared}.db`),
      ...(fetch ? { fetch } : {}),
    }),
});
