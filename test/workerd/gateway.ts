/**
 * @module The gateway app inside workerd over the test network, with the
 * Worker's real ports: the ledger in `TokenLedger` Durable Objects, the
 * settlement book and its generated receipt key.
 */
import { env } from "cloudflare:workers";
import type { LedgerBindings } from "../../src/adapters/ledger/durable-object/bindings.ts";
import {
  durableObjectKeyStore,
  durableObjectLedger,
  durableObjectSettlements,
} from "../../src/adapters/ledger/durable-object/ports.ts";
import { webCryptoSignatures } from "../../src/adapters/crypto/web-crypto-signatures.ts";
import { CarrierKeys } from "../../src/adapters/keys/carrier-keys.ts";
import { providerAdapters } from "../../src/adapters/providers/registry.ts";
import { generatedReceiptKeys } from "../../src/adapters/receipt-keys/receipt-keys.ts";
import type { NetworkDocument } from "../../src/core/network/config.ts";
import { createGateway } from "../../src/gateway/app.ts";
import { jsonPoster } from "../support/http.ts";
import { frozenClock, testKeys, testNetwork } from "../support/network.ts";

export async function workerGateway(
  options: {
    network?: Partial<NetworkDocument>;
    clock?: { now(): number };
    fetch?: typeof fetch;
  } = {},
) {
  const bindings = env as unknown as LedgerBindings;
  const keys = await testKeys();
  const network = testNetwork(keys, options.network);
  const app = createGateway({
    network,
    keys: new CarrierKeys(),
    signatures: webCryptoSignatures,
    clock: options.clock ?? frozenClock(),
    ledger: durableObjectLedger(bindings),
    settlements: durableObjectSettlements(bindings),
    receiptKeys: generatedReceiptKeys(durableObjectKeyStore(bindings)),
    adapterFor: providerAdapters(options.fetch),
  });
  return { app, keys, network, ...jsonPoster((path, init) => app.request(path, init)) };
}
