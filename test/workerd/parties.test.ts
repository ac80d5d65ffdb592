/**
 * Party authentication inside workerd: the shared suite through the
 * Worker's composition; a second app instance shares the Durable Objects,
 * as a second isolate does, so a replay there is refused too.
 */
import { definePartySuite } from "../support/party-suite.ts";
import { workerGateway } from "./gateway.ts";

definePartySuite({
  gateway: async ({ network, clock, fetch }) =>
    workerGateway({ network, clock, ...(fetch ? { fetch } : {}) }),
});
