/**
 * Holder binding on Node: the shared suite through the Node composition,
 * the second gateway a second SQLite connection to the same ledger file.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testGateway } from "../../support/gateway.ts";
import { defineHolderBindingSuite } from "../../support/holder-binding-suite.ts";

defineHolderBindingSuite({
  gateway: () => testGateway(),
  twoGatewaysOneLedger: async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), "oct-holder-")), "ledger.db");
    return [await testGateway({ dbPath }), await testGateway({ dbPath })];
  },
});
