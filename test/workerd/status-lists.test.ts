/**
 * Token status inside workerd: revocation, suspension, where lists come
 * from and outages, through the Worker's composition (lists kept in the
 * Cache API).
 */
import { defineStatusListSuite } from "../support/status-list-suite.ts";
import { workerGateway } from "./gateway.ts";

defineStatusListSuite({
  gateway: async ({ network, clock, fetch }) => workerGateway({ network, clock, fetch }),
});
