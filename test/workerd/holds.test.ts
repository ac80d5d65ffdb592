/**
 * Holds without a redemption (grants) inside workerd: each token's holds in
 * its Durable Object, recovery as its alarm runs it.
 */
import { env } from "cloudflare:workers";
import type { LedgerBindings } from "../../src/adapters/ledger/durable-object/bindings.ts";
import { durableObjectLedger } from "../../src/adapters/ledger/durable-object/ports.ts";
import { defineHoldLedgerSuite } from "../support/hold-ledger-suite.ts";

const bindings = env as unknown as LedgerBindings;

defineHoldLedgerSuite(
  async () => ({
    ledger: durableObjectLedger(bindings),
    recover: async (tokenKey, now) =>
      void (await bindings.TOKEN_LEDGER.get(bindings.TOKEN_LEDGER.idFromName(tokenKey)).recover(
        now,
      )),
  }),
  15,
);
