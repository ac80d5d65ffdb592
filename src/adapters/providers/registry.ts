/**
 * @module The adapter for each configured provider, built once.
 */
import type { Provider } from "../../core/network/config.ts";
import type { ProviderAdapter } from "../../ports/provider.ts";
import { ledgerAdapter } from "./ledger.ts";
import { webhookAdapter } from "./webhook.ts";

export function providerAdapters(
  fetchImpl?: typeof fetch,
): (provider: Provider) => ProviderAdapter {
  const built = new Map<string, ProviderAdapter>();
  return (provider) => {
    let adapter = built.get(provider.id);
    if (!adapter) {
      adapter =
        provider.adapter === "webhook" ? webhookAdapter(provider, fetchImpl) : ledgerAdapter;
      built.set(provider.id, adapter);
    }
    return adapter;
  };
}
