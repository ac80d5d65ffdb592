/**
 * The redemption contract on Node: the in-memory SQLite ledger behind the app.
 */
import { defineRedemptionSuite } from "../../support/redemption-suite.ts";
import { testGateway } from "../../support/gateway.ts";

defineRedemptionSuite(async ({ clock, network, fetch }) => {
  const gw = await testGateway({ clock, network, fetch });
  return {
    ...gw,
    ledger: gw.ports.ledger,
    async recover(now) {
      await gw.ports.ledger.recover(now);
      await gw.ports.ledger.purgeQuotes(now);
    },
  };
});
