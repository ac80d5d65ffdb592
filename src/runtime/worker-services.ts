/**
 * @module What the Worker and its token objects compose from the
 * configuration, once per isolate and configuration: the network (the
 * `OCT_CONFIG` binding, else the demo network bundled from config/demo/),
 * carriers' and peers' keys fetched and kept in the Cache API, the receipt
 * keys, and the link a visited gateway uses to reach a token's home
 * (`spec/oct.md` §11.9).
 */
import { CacheApiDocumentStore } from "../adapters/http/cache-api-store.ts";
import { CarrierKeys } from "../adapters/keys/carrier-keys.ts";
import { RemoteJwks } from "../adapters/keys/remote-jwks.ts";
import type { LedgerBindings } from "../adapters/ledger/durable-object/bindings.ts";
import { durableObjectKeyStore } from "../adapters/ledger/durable-object/ports.ts";
import { FetchPeerClient } from "../adapters/peers/fetch-peer-client.ts";
import {
  configuredReceiptKeys,
  generatedReceiptKeys,
} from "../adapters/receipt-keys/receipt-keys.ts";
import type { HomeLink } from "../core/federation/ask-home.ts";
import { loadNetwork, type Network } from "../core/network/config.ts";
import type { PrivateJwk } from "../core/signing/keys.ts";
import { systemClock } from "../ports/clock.ts";
import type { ReceiptKeys } from "../ports/receipt-keys.ts";
import demoNetwork from "../../config/demo/network.json" with { type: "json" };

export interface Env extends LedgerBindings {
  OCT_CONFIG?: string | Record<string, unknown>;
}

export interface WorkerServices {
  network: Network;
  keys: CarrierKeys;
  receiptKeys: ReceiptKeys;
  /** How this gateway reaches a token's home, when the network lists peers. */
  homeLink?: HomeLink;
}

let built: { source: unknown; services: WorkerServices } | undefined;

/**
 * The services of `env`'s configuration; throws `ConfigError` (or a JSON
 * syntax error) for a configuration that does not load.
 */
export function workerServices(env: Env): WorkerServices {
  const source = env.OCT_CONFIG ?? demoNetwork;
  if (built?.source === source) return built.services;
  const document = typeof source === "string" ? JSON.parse(source) : source;
  const network = loadNetwork(document);
  const configured = network.document.gateway.receipt_keys?.keys as PrivateJwk[] | undefined;
  const keys = new CarrierKeys(
    new RemoteJwks({
      clock: systemClock,
      limits: network.limits,
      store: new CacheApiDocumentStore("oct-jwks"),
    }),
  );
  const receiptKeys = configured?.length
    ? configuredReceiptKeys(configured)
    : generatedReceiptKeys(durableObjectKeyStore(env));
  const services: WorkerServices = {
    network,
    keys,
    receiptKeys,
    ...(network.peers.length > 0
      ? {
          homeLink: {
            network,
            keys,
            clock: systemClock,
            peers: new FetchPeerClient(network.federation),
            signingKey: () => receiptKeys.signingKey(),
          },
        }
      : {}),
  };
  built = { source, services };
  return services;
}
