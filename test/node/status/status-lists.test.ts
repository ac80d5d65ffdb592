/**
 * Token status on Node: revocation, suspension, where lists come from and
 * outages, through the Node composition of the gateway.
 */
import { testGateway } from "../../support/gateway.ts";
import { defineStatusListSuite } from "../../support/status-list-suite.ts";

defineStatusListSuite({
  gateway: async ({ network, clock, fetch }) => testGateway({ network, clock, fetch }),
});
