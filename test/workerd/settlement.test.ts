/**
 * Settlement reports inside workerd: commits in each token's Durable Object,
 * forwarded through its outbox to the settlement book, which keeps the
 * bucket totals and answers reports.
 */
import { env } from "cloudflare:workers";
import type { LedgerBindings } from "../../src/adapters/ledger/durable-object/bindings.ts";
import {
  durableObjectLedger,
  durableObjectSettlements,
} from "../../src/adapters/ledger/durable-object/ports.ts";
import { defineSettlementSuite } from "../support/settlement-suite.ts";

const bindings = env as unknown as LedgerBindings;

defineSettlementSuite(
  async () => ({
    ledger: durableObjectLedger(bindings),
    settlements: durableObjectSettlements(bindings),
  }),
  25,
);
