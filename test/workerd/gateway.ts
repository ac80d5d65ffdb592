/**
 * @module The gateway app inside workerd over the test network, with the
 * Worker's real ports: the ledger in `TokenLedger` Durable Objects, the
 * settlement book and its generated receipt key, fetched carrier keys kept
 * in the Cache API.
 */
import { env } from "cloudflare:workers";
import type { LedgerBindings } from "../../src/adapters/ledger/durable-object/bindings.ts";
import {
  durableObjectAssertionJtis,
  durableObjectKeyStore,
  durableObjectLedger,
  durableObjectSettlements,
} from "../../src/adapters/ledger/durable-object/ports.ts";
import { CacheApiDocumentStore } from "../../src/adapters/http/cache-api-store.ts";
import { webCryptoSignatures } from "../../src/adapters/crypto/web-crypto-signatures.ts";
import { CarrierKeys } from "../../src/adapters/keys/carrier-keys.ts";
import { RemoteJwks } from "../../src/adapters/keys/remote-jwks.ts";
import { RemoteStatusLists } from "../../src/adapters/status/remote-status-lists.ts";
import { providerAdapters } from "../../src/adapters/providers/registry.ts";
import { generatedReceiptKeys } from "../../src/adapters/receipt-keys/receipt-keys.ts";
import type { NetworkDocument } from "../../src/core/network/config.ts";
import { VerifiedTokenCache } from "../../src/core/token/verified-cache.ts";
import { createGateway } from "../../src/gateway/app.ts";
import type { Logger } from "../../src/gateway/env.ts";
import { jsonPoster } from "../support/http.ts";
import { frozenClock, testKeys, testNetwork } from "../support/network.ts";

export async function workerGateway(
  options: {
    network?: Partial<NetworkDocument>;
    clock?: { now(): number };
    fetch?: typeof fetch;
    logger?: Logger;
  } = {},
) {
  const bindings = env as unknown as LedgerBindings;
  const keys = await testKeys();
  const network = testNetwork(keys, options.network);
  const clock = options.clock ?? frozenClock();
  // As the Worker composes it: fetched key sets and status lists kept in the Cache API.
  const carrierKeys = new CarrierKeys(
    new RemoteJwks({
      clock,
      limits: network.limits,
      store: new CacheApiDocumentStore("oct-jwks"),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
  );
  const app = createGateway({
    network,
    keys: carrierKeys,
    statusLists: new RemoteStatusLists({
      clock,
      limits: network.limits,
      keys: carrierKeys,
      signatures: webCryptoSignatures,
      store: new CacheApiDocumentStore("oct-status-lists"),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
    clock,
    signatures: webCryptoSignatures,
    verifiedTokens: new VerifiedTokenCache(network.limits),
    ledger: durableObjectLedger(bindings),
    settlements: durableObjectSettlements(bindings),
    assertions: durableObjectAssertionJtis(bindings),
    receiptKeys: generatedReceiptKeys(durableObjectKeyStore(bindings)),
    adapterFor: providerAdapters(options.fetch),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return { app, keys, network, ...jsonPoster((path, init) => app.request(path, init)) };
}
