/**
 * Holds without a redemption (grants) in the Node ledger: in-memory SQLite.
 */
import { nodePorts } from "../../../src/runtime/node-ports.ts";
import { defineHoldLedgerSuite } from "../../support/hold-ledger-suite.ts";
import { testKeys, testNetwork } from "../../support/network.ts";

defineHoldLedgerSuite(async () => {
  const ports = nodePorts({ network: testNetwork(await testKeys()), dbPath: ":memory:" });
  return {
    ledger: ports.ledger,
    recover: async (_, now) => void (await ports.ledger.recover(now)),
  };
}, 60);
