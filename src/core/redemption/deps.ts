/**
 * @module What redemption needs from the world: verification's ports plus
 * the ledger, the provider adapters and the gateway's signing keys.
 */
import type { VisitedGrants } from "../federation/visited-service.ts";
import type { Provider } from "../network/config.ts";
import type { VerifyContext } from "../token/verify.ts";
import type { Ledger } from "../../ports/ledger.ts";
import type { ProviderAdapter } from "../../ports/provider.ts";
import type { ReceiptKeys } from "../../ports/receipt-keys.ts";

export interface RedemptionDeps extends VerifyContext {
  ledger: Ledger;
  receiptKeys: ReceiptKeys;
  adapterFor(provider: Provider): ProviderAdapter;
  /** A visited gateway's grants (spec §11.9): present when the network lists peers. */
  federation?: VisitedGrants;
}
