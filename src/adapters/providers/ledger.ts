/**
 * @module The `ledger` provider adapter (`spec/oct.md` §8.7): the gateway's
 * ledger is the provider's record, so the redemption is accepted at once.
 */
import type { ProviderAdapter } from "../../ports/provider.ts";

export const ledgerAdapter: ProviderAdapter = {
  async deliver() {},
};
