/**
 * Holder binding inside workerd: the shared suite through the Worker's
 * composition, proofs admitted by the token's Durable Object; the second
 * gateway is another app instance whose requests reach the same object.
 */
import { defineHolderBindingSuite } from "../support/holder-binding-suite.ts";
import { workerGateway } from "./gateway.ts";

defineHolderBindingSuite({
  gateway: () => workerGateway(),
  twoGatewaysOneLedger: async () => [await workerGateway(), await workerGateway()],
});
