/**
 * @module Two federated gateways for tests: carrier A's gateway (the home of
 * A's tokens) and carrier B's (a visited gateway), each with its signing key
 * and a network that lists the other as a peer. Runs in Node and inside
 * workerd (no node:* imports).
 */
import { CarrierKeys } from "../../src/adapters/keys/carrier-keys.ts";
import { generateSigningKey, publicJwks, type PrivateJwk } from "../../src/core/signing/keys.ts";
import type { Network, NetworkDocument } from "../../src/core/network/config.ts";
import type { DocumentContext } from "../../src/core/federation/verify-document.ts";
import { NOW_SECONDS, testKeys, testNetwork } from "./network.ts";

export const HOME = "https://gw.carrier-a.example";
export const VISITED = "https://gw.carrier-b.example";
export const STRANGER = "https://gw.carrier-x.example";

export interface FederatedGateways {
  homeKey: PrivateJwk;
  visitedKey: PrivateJwk;
  /** A key no configuration lists: what a forger signs with. */
  strangerKey: PrivateJwk;
  /** The network as the home loads it (peer: the visited gateway). */
  home: Network;
  /** The network as the visited gateway loads it (peer: the home). */
  visited: Network;
}

let cached: Promise<FederatedGateways> | undefined;

/** The networks of both gateways, carrier A's tokens homed at {@link HOME}. */
export function federatedGateways(): Promise<FederatedGateways> {
  cached ??= (async () => {
    const [homeKey, visitedKey, strangerKey] = await Promise.all([
      generateSigningKey("EdDSA"),
      generateSigningKey("ES256"),
      generateSigningKey("EdDSA"),
    ]);
    const keys = await testKeys();
    const networkOf = (self: string, peer: string, peerKey: PrivateJwk): Network => {
      const base = testNetwork(keys).document;
      const document: Partial<NetworkDocument> = {
        gateway: { id: self },
        carriers: base.carriers.map((carrier) =>
          carrier.id === "carrier-a" ? { ...carrier, homes: [HOME] } : carrier,
        ),
        peers: [
          {
            id: peer,
            url: `${peer}/`,
            jwks: publicJwks([peerKey]) as { keys: unknown[] },
          },
        ],
      };
      return testNetwork(keys, document);
    };
    return {
      homeKey: homeKey!,
      visitedKey: visitedKey!,
      strangerKey: strangerKey!,
      home: networkOf(HOME, VISITED, visitedKey!),
      visited: networkOf(VISITED, HOME, homeKey!),
    };
  })();
  return cached;
}

/** How `network`'s gateway verifies documents at `nowMs` (inline peer keys). */
export function documentContext(network: Network, nowMs = NOW_SECONDS * 1000): DocumentContext {
  return {
    gatewayId: network.gatewayId,
    peerById: network.peerById,
    keys: new CarrierKeys(),
    now: nowMs,
    clockSkewSeconds: network.limits.clock_skew_seconds,
    maxBytes: network.limits.body_max_bytes,
  };
}
