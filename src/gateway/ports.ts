/**
 * @module Everything the gateway app needs from its runtime, handed to the
 * factory so the same app runs on Node and on Workers.
 */
import type { RedemptionDeps } from "../core/redemption/deps.ts";
import type { GrantLedger } from "../ports/grant-ledger.ts";
import type { AssertionJtis } from "../ports/assertion-jtis.ts";
import type { SettlementStore } from "../ports/settlement.ts";
import type { Logger } from "./env.ts";

export interface GatewayPorts extends RedemptionDeps {
  settlements: SettlementStore;
  /** Where accepted client assertions are remembered (§7.13). */
  assertions: AssertionJtis;
  logger?: Logger;
  /** The ledger's federation side (spec §11): present when the network lists peers. */
  grants?: GrantLedger;
}
