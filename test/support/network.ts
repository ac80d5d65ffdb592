/**
 * @module A small test network: two carriers (EdDSA and ES256 keys, plus an
 * RS256/PS256 carrier), providers, tariffs, and a frozen clock, with helpers
 * to mint tokens. Runs in Node and inside workerd (no node:* imports).
 */
import { generateSigningKey, publicJwks, type PrivateJwk } from "../../src/core/signing/keys.ts";
import { mintToken, type MintClaims } from "../../src/core/issuer/mint.ts";
import { makeClientAssertion } from "../../src/core/party/make-assertion.ts";
import {
  loadNetwork,
  type Network,
  type NetworkDocument,
  type Tariff,
} from "../../src/core/network/config.ts";
import type { Algorithm } from "../../src/core/token/header.ts";

/** The tests' frozen "now" (2030-03-17): after the wall clock, so no real-time alarm fires mid-test. */
export const NOW_SECONDS = 1_900_000_000;
export const ISSUER_A = "https://tokens.carrier-a.example";
export const ISSUER_B = "https://tokens.carrier-b.example";
export const ISSUER_R = "https://tokens.carrier-r.example";
export const TEST_GATEWAY_ID = "https://gw.test.example";

export interface TestKeys {
  eddsa: PrivateJwk;
  es256: PrivateJwk;
  es384: PrivateJwk;
  ps256: PrivateJwk;
  /** The key of the operator `ops` (§7.13). */
  operator: PrivateJwk;
  /** The key of the provider `carrier-b-edge`. */
  provider: PrivateJwk;
}

let cachedKeys: Promise<TestKeys> | undefined;

/** Keys generated once per test file (RSA generation is slow). */
export function testKeys(): Promise<TestKeys> {
  cachedKeys ??= (async () => {
    const [eddsa, es256, es384, ps256, operator, provider] = await Promise.all(
      (["EdDSA", "ES256", "ES384", "PS256", "EdDSA", "ES256"] as Algorithm[]).map((alg) =>
        generateSigningKey(alg),
      ),
    );
    return {
      eddsa: eddsa!,
      es256: es256!,
      es384: es384!,
      ps256: ps256!,
      operator: operator!,
      provider: provider!,
    };
  })();
  return cachedKeys;
}

/** Carrier A's H100 seconds at carrier-b-edge, 2.5 A100 seconds each, until 2031. */
export const EDGE_TARIFF: Tariff = {
  carrier: "carrier-a",
  from: "gpu-second:h100-sxm",
  provider: "carrier-b-edge",
  to: "gpu-second:a100-sxm",
  rate: "2.5",
  valid_from: "2026-01-01T00:00:00Z",
  valid_until: "2031-01-01T00:00:00Z",
};

export function testNetworkDocument(
  keys: TestKeys,
  overrides: Partial<NetworkDocument> = {},
): NetworkDocument {
  return {
    gateway: {
      id: TEST_GATEWAY_ID,
      operators: [{ id: "ops", jwks: publicJwks([keys.operator]) as { keys: unknown[] } }],
    },
    carriers: [
      {
        id: "carrier-a",
        issuer: ISSUER_A,
        jwks: publicJwks([keys.eddsa, keys.es256]) as { keys: unknown[] },
        algorithms: ["EdDSA", "ES256"],
        status: "active",
      },
      {
        id: "carrier-b",
        issuer: ISSUER_B,
        jwks: publicJwks([keys.es384]) as { keys: unknown[] },
        algorithms: ["ES384"],
        status: "suspended",
      },
      {
        id: "carrier-r",
        issuer: ISSUER_R,
        jwks: publicJwks([keys.ps256]) as { keys: unknown[] },
        algorithms: ["PS256", "RS256"],
        status: "active",
      },
    ],
    providers: [
      {
        id: "carrier-b-edge",
        adapter: "ledger",
        units: ["gpu-second:a100-sxm"],
        jwks: publicJwks([keys.provider]) as { keys: unknown[] },
      },
      { id: "cloud-c", adapter: "ledger", units: ["inference-token:llm-large"] },
    ],
    tariffs: [EDGE_TARIFF],
    ...overrides,
  };
}

export function testNetwork(keys: TestKeys, overrides: Partial<NetworkDocument> = {}): Network {
  return loadNetwork(testNetworkDocument(keys, overrides));
}

export const frozenClock = (seconds = NOW_SECONDS) => ({ now: () => seconds * 1000 });

let counter = 0;

/** A claim set for carrier A that passes every check at {@link NOW_SECONDS}. */
export function claims(overrides: Partial<MintClaims> = {}): MintClaims {
  counter++;
  return {
    iss: ISSUER_A,
    sub: "acct-42",
    aud: "urn:oct:redeem",
    iat: NOW_SECONDS - 10,
    nbf: NOW_SECONDS - 10,
    exp: NOW_SECONDS + 3600,
    jti: `test-token-${counter}-${Math.random().toString(36).slice(2)}`,
    oct: { ver: "0.1", amount: "1000.5", unit: "gpu-second:h100-sxm" },
    ...overrides,
  };
}

export { mintToken };

/**
 * The `Authorization` field of a fresh client assertion (§7.13) of `party`,
 * signed with `key`, for the test gateway at {@link NOW_SECONDS}.
 *
 * @example
 * await gw.get("/metrics", await asParty("operator:ops", keys.operator));
 */
export async function asParty(
  party: string,
  key: PrivateJwk,
  options: { gateway?: string; now?: number; lifetimeSeconds?: number } = {},
): Promise<Record<string, string>> {
  const assertion = await makeClientAssertion({
    party,
    key,
    gateway: options.gateway ?? TEST_GATEWAY_ID,
    now: options.now ?? NOW_SECONDS,
    ...(options.lifetimeSeconds !== undefined ? { lifetimeSeconds: options.lifetimeSeconds } : {}),
  });
  return { authorization: `Bearer ${assertion}` };
}
