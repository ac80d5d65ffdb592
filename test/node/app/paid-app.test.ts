/**
 * A paid app and its gateway on Node: the in-memory SQLite ledger behind the gateway app.
 */
import { definePaidAppSuite } from "../../support/paid-app-suite.ts";
import { testGateway } from "../../support/gateway.ts";

definePaidAppSuite(async ({ clock, network }) => {
  const gw = await testGateway({ clock, network });
  return {
    ...gw,
    async recover(now) {
      await gw.ports.ledger.recover(now);
    },
  };
});
