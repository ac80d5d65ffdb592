/**
 * @module The gateway's receipt keys (`spec/oct.md` §9.3): the configured
 * `gateway.receipt_keys` (the first one signs), or a key generated on first
 * start and kept by the runtime's store so every process and restart signs
 * with the same key.
 */
import { generateSigningKey, type PrivateJwk } from "../../core/signing/keys.ts";
import type { ReceiptKeys } from "../../ports/receipt-keys.ts";

/** Keeps one generated key; `put` keeps the first key ever stored and returns it. */
export interface GeneratedKeyStore {
  get(): Promise<PrivateJwk | undefined>;
  putIfAbsent(key: PrivateJwk): Promise<PrivateJwk>;
}

export function configuredReceiptKeys(keys: PrivateJwk[]): ReceiptKeys {
  return { signingKey: async () => keys[0]!, allKeys: async () => keys };
}

export function generatedReceiptKeys(store: GeneratedKeyStore): ReceiptKeys {
  let key: Promise<PrivateJwk> | undefined;
  const load = () =>
    (key ??= (async () =>
      (await store.get()) ?? store.putIfAbsent(await generateSigningKey("ES256")))().catch(
      (error) => {
        key = undefined;
        throw error;
      },
    ));
  return { signingKey: load, allKeys: async () => [await load()] };
}
