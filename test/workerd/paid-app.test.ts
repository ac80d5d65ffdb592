/**
 * A paid app and its gateway inside workerd: the middleware in the Workers
 * runtime, the gateway's ledger in TokenLedger Durable Objects.
 */
import { env } from "cloudflare:workers";
import { listDurableObjectIds } from "cloudflare:test";
import type { LedgerBindings } from "../../src/adapters/ledger/durable-object/bindings.ts";
import { definePaidAppSuite } from "../support/paid-app-suite.ts";
import { workerGateway } from "./gateway.ts";

const bindings = env as unknown as LedgerBindings;

definePaidAppSuite(async ({ clock, network }) => {
  const gw = await workerGateway({ clock, network });
  return {
    ...gw,
    async recover(now) {
      for (const id of await listDurableObjectIds(bindings.TOKEN_LEDGER)) {
        await bindings.TOKEN_LEDGER.get(id).recover(now);
      }
    },
  };
});
