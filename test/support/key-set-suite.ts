/**
 * @module Carrier key sets, written once and run on both runtimes: one
 * validation for inline and fetched sets (`spec/oct.md` §5.4), and fetches
 * shared by every verification that needs them (§5.5 item 7).
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { DocumentStore } from "../../src/adapters/http/remote-documents.ts";
import { RemoteJwks } from "../../src/adapters/keys/remote-jwks.ts";
import { generateSigningKey, publicJwks, type PrivateJwk } from "../../src/core/signing/keys.ts";
import {
  ConfigError,
  DEFAULT_LIMITS,
  loadNetwork,
  type NetworkDocument,
} from "../../src/core/network/config.ts";
import { mintToken } from "../../src/core/issuer/mint.ts";
import { codeOf, FakeJwksEndpoint, fetchingNetwork, refusedKeySets } from "./key-sets.ts";
import { claims } from "./network.ts";

const limits = DEFAULT_LIMITS;
const CONCURRENT = 20;

/** A store around another that counts its reads. */
function countingStore(inner: DocumentStore) {
  const counted = {
    reads: 0,
    get: (uri: string) => {
      counted.reads++;
      return inner.get(uri);
    },
    put: (uri: string, entry: Parameters<DocumentStore["put"]>[1]) => inner.put(uri, entry),
  };
  return counted;
}

/** What the suite needs of a runtime: its shared store, and its gateway over a network. */
export interface KeySetRuntime {
  makeStore(): DocumentStore;
  post(
    network: Partial<NetworkDocument>,
    fetchKeys: typeof globalThis.fetch,
  ): Promise<(path: string, body: unknown) => Promise<Response>>;
}

export function defineKeySetSuite({ makeStore, post }: KeySetRuntime): void {
  let k1: PrivateJwk;
  let k2: PrivateJwk;
  let endpoint: FakeJwksEndpoint;
  let uri: string;
  let now: number;
  const clock = { now: () => now };
  const remote = (store?: DocumentStore) =>
    new RemoteJwks({ clock, limits, fetch: endpoint.fetch, ...(store ? { store } : {}) });

  beforeEach(async () => {
    k1 ??= await generateSigningKey("EdDSA");
    k2 ??= await generateSigningKey("ES256");
    endpoint = new FakeJwksEndpoint();
    endpoint.serve(publicJwks([k1]));
    // Each test its own uri: a store may outlive one test.
    uri = `https://tokens.carrier-f.example/jwks-${Math.random().toString(36).slice(2)}.json`;
    now = 1_900_000_000_000;
  });

  describe("one validation for inline and fetched key sets (§5.4)", () => {
    it("refuses each bad set inline at load and fetched as a failed fetch", async () => {
      for (const { name, jwks } of await refusedKeySets()) {
        let loadError: unknown;
        try {
          loadNetwork(fetchingNetwork(uri, jwks));
        } catch (error) {
          loadError = error;
        }
        expect({ name, inline: loadError instanceof ConfigError }).toEqual({ name, inline: true });
        expect((loadError as ConfigError).pointer).toMatch(/^\/carriers\/0\/jwks/);
        endpoint.serve(jwks);
        const kid = String(jwks.keys[0]!.kid);
        expect({ name, fetched: await codeOf(remote().keyFor(uri, kid)) }).toEqual({
          name,
          fetched: "keys_unavailable",
        });
      }
    });

    it("refuses a fetched set that starts with a byte-order mark", async () => {
      endpoint.body = `\ufeff${JSON.stringify(publicJwks([k1]))}`;
      expect(await codeOf(remote().keyFor(uri, k1.kid))).toBe("keys_unavailable");
      endpoint.serve(publicJwks([k1]));
      expect(await codeOf(remote().keyFor(uri, k1.kid))).toBe("found");
    });

    it("agrees with Web Crypto: the point off its curve does not import, the good one does", async () => {
      const sets = await refusedKeySets();
      const offCurve = sets.find((s) => s.name.includes("off its curve"))!.jwks.keys[0]!;
      const good = { ...offCurve, ...publicJwks([k2]).keys[0] };
      const importEc = (jwk: Record<string, unknown>) =>
        crypto.subtle.importKey(
          "jwk",
          { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y } as JsonWebKey,
          { name: "ECDSA", namedCurve: "P-256" },
          true,
          ["verify"],
        );
      await expect(importEc(offCurve)).rejects.toThrow();
      await expect(importEc(good)).resolves.toBeDefined();
      expect(() =>
        loadNetwork(fetchingNetwork(uri, { keys: [publicJwks([k2]).keys[0]] })),
      ).not.toThrow();
    });
  });

  describe("concurrent verifications share one fetch (§5.5 item 7)", () => {
    it("on a cold start, every concurrent caller waits for the one fetch and finds its key", async () => {
      endpoint.delayMs = 30;
      const keys = remote();
      const results = await Promise.all(
        Array.from({ length: CONCURRENT }, () => codeOf(keys.keyFor(uri, k1.kid))),
      );
      expect(results).toEqual(Array(CONCURRENT).fill("found"));
      expect(endpoint.fetches).toBe(1);
    });

    it("on a rotation, every token with the new kid waits for the one refresh and finds its key", async () => {
      const keys = remote();
      await keys.keyFor(uri, k1.kid);
      now += limits.jwks_cooldown_seconds * 1000;
      endpoint.serve(publicJwks([k1, k2]));
      endpoint.delayMs = 30;
      const results = await Promise.all(
        Array.from({ length: CONCURRENT }, () => codeOf(keys.keyFor(uri, k2.kid))),
      );
      expect(results).toEqual(Array(CONCURRENT).fill("found"));
      expect(endpoint.fetches).toBe(2);
    });

    it("a caller that arrives while a fetch is in flight waits for it, though its kid is unknown", async () => {
      const keys = remote();
      await keys.keyFor(uri, k1.kid);
      now += limits.jwks_cooldown_seconds * 1000;
      endpoint.serve(publicJwks([k1, k2]));
      endpoint.delayMs = 30;
      const first = keys.keyFor(uri, "not-a-key");
      now += 10; // inside the cooldown the first caller started
      const late = keys.keyFor(uri, k2.kid);
      expect(await codeOf(first)).toBe("absent");
      expect(await codeOf(late)).toBe("found");
      expect(endpoint.fetches).toBe(2);
    });

    it("the cooldown still allows one fetch for a flood of unknown kids", async () => {
      const keys = remote();
      await keys.keyFor(uri, k1.kid);
      now += limits.jwks_cooldown_seconds * 1000;
      endpoint.delayMs = 10;
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => codeOf(keys.keyFor(uri, `random-${i}`))),
      );
      expect(results.every((r) => r === "absent")).toBe(true);
      for (let i = 0; i < 20; i++) await keys.keyFor(uri, `again-${i}`);
      expect(endpoint.fetches).toBe(2);
    });

    it("a new isolate's concurrent callers read the shared store once and fetch nothing", async () => {
      const store = makeStore();
      await remote(store).keyFor(uri, k1.kid);
      expect(endpoint.fetches).toBe(1);
      const counted = countingStore(store);
      const fresh = remote(counted);
      const results = await Promise.all(
        Array.from({ length: CONCURRENT }, () => codeOf(fresh.keyFor(uri, k1.kid))),
      );
      expect(results).toEqual(Array(CONCURRENT).fill("found"));
      expect(endpoint.fetches).toBe(1);
      expect(counted.reads).toBe(1);
    });

    it("through the gateway: 20 concurrent first verifications of a fetching carrier all verify", async () => {
      endpoint.serve(publicJwks([k1]));
      endpoint.delayMs = 30;
      const { carriers } = fetchingNetwork(uri);
      const send = await post({ carriers, tariffs: [] }, endpoint.fetch);
      const token = await mintToken(claims({ iss: carriers[0]!.issuer }), k1);
      const answers = await Promise.all(
        Array.from({ length: CONCURRENT }, async () => {
          const response = await send("/v1/verify", { token });
          return ((await response.json()) as { valid?: boolean; code?: string }).valid ?? false;
        }),
      );
      expect(answers).toEqual(Array(CONCURRENT).fill(true));
      expect(endpoint.fetches).toBe(1);
    });
  });
}
