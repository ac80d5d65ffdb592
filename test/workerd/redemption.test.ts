/**
 * The redemption contract inside workerd: one TokenLedger Durable Object per
 * token, recovery by its alarm.
 */
import { env } from "cloudflare:workers";
import { listDurableObjectIds } from "cloudflare:test";
import type { LedgerBindings } from "../../src/adapters/ledger/durable-object/bindings.ts";
import { durableObjectLedger } from "../../src/adapters/ledger/durable-object/ports.ts";
import { defineRedemptionSuite } from "../support/redemption-suite.ts";
import { workerGateway } from "./gateway.ts";

const bindings = env as unknown as LedgerBindings;

defineRedemptionSuite(async ({ clock, network, fetch }) => {
  const gw = await workerGateway({ clock, network, fetch });
  return {
    ...gw,
    ledger: durableObjectLedger(bindings),
    // What the alarm runs, at the test's clock rather than the wall clock.
    async recover(now) {
      for (const id of await listDurableObjectIds(bindings.TOKEN_LEDGER)) {
        await bindings.TOKEN_LEDGER.get(id).recover(now);
      }
    },
  };
});
