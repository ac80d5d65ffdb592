/**
 * @module What redemption needs from the world: verification's ports plus
 * the ledger, the provider adapters and the gateway's signing keys.
 */
import type { Provider } from "../network/config.ts";
import type { VerifyContext } from "../token/verify.ts";
import type { Ledger } from "../../ports/ledger.ts";
import type { ProviderAdapter } from "../../ports/provider.ts";
import type { ReceiptKeys } from "../../ports/receipt-keys.ts";

export interface RedemptionDeps extends VerifyContext {
  ledger: Ledger;
  receiptKeys: ReceiptKeys;
  adapterFor(provider: Provider): ProviderAdapter;
}
