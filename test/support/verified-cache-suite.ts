/**
 * @module The verified-token cache seen through the API (`spec/oct.md`
 * §6.4), written once and run on both runtimes: a token the gateway has
 * kept is still refused after its exp and once its key is withdrawn from the
 * fetched set, and its balance is read afresh on every request.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { NetworkDocument } from "../../src/core/network/config.ts";
import { generateSigningKey, publicJwks } from "../../src/core/signing/keys.ts";
import { FakeJwksEndpoint, fetchingNetwork } from "./key-sets.ts";
import { claims, mintToken, NOW_SECONDS, type TestKeys } from "./network.ts";

export interface CacheHarness {
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  redeem(body: unknown, key: string): Promise<Response>;
  keys: TestKeys;
}

export type MakeCacheHarness = (options: {
  clock: { now(): number };
  network?: Partial<NetworkDocument>;
  fetch?: typeof fetch;
}) => Promise<CacheHarness>;

/** The default clock skew (spec §5.8). */
const SKEW = 60;
/** The default freshness of a fetched key set (spec §5.5). */
const JWKS_CACHE_SECONDS = 600;

export function defineVerifiedCacheSuite(make: MakeCacheHarness): void {
  const clock = {
    t: NOW_SECONDS * 1000,
    now() {
      return this.t;
    },
  };
  const verdict = async (gw: CacheHarness, token: string) => {
    const response = await gw.post("/v1/verify", { token });
    expect(response.status).toBe(200);
    return (await response.json()) as { valid: boolean; error?: string; remaining?: unknown };
  };

  beforeEach(() => {
    clock.t = NOW_SECONDS * 1000;
  });

  describe("the verified-token cache behind the API (spec §6.4)", () => {
    it("still refuses a token it has kept once its exp has passed, beyond the clock skew", async () => {
      const gw = await make({ clock });
      const exp = NOW_SECONDS + 300;
      const token = await mintToken(claims({ exp }), gw.keys.eddsa);
      expect(await verdict(gw, token)).toMatchObject({ valid: true });
      clock.t = (exp + SKEW - 1) * 1000;
      expect(await verdict(gw, token)).toMatchObject({ valid: true });
      clock.t = (exp + SKEW) * 1000;
      expect(await verdict(gw, token)).toMatchObject({ valid: false, error: "token_expired" });
      const redeemed = await gw.redeem(
        { token, provider: "carrier-b-edge", amount: "1", unit: "gpu-second:a100-sxm" },
        `cache-expired-${Math.random()}`,
      );
      expect(redeemed.status).toBe(401);
    });

    it("keeps the verification, never the balance: remaining follows each redemption", async () => {
      const gw = await make({ clock });
      const token = await mintToken(claims(), gw.keys.eddsa);
      expect(await verdict(gw, token)).toMatchObject({
        remaining: { amount: "1000.5", unit: "gpu-second:h100-sxm" },
      });
      const ask = { token, provider: "carrier-b-edge", amount: "100", unit: "gpu-second:a100-sxm" };
      expect((await gw.redeem(ask, `cache-balance-${Math.random()}`)).status).toBe(201);
      expect(await verdict(gw, token)).toMatchObject({
        remaining: { amount: "960.5", unit: "gpu-second:h100-sxm" },
      });
    });

    it("still refuses a token it has kept once its key is withdrawn from the fetched set", async () => {
      const endpoint = new FakeJwksEndpoint();
      const [kept, next] = await Promise.all([
        generateSigningKey("EdDSA"),
        generateSigningKey("EdDSA"),
      ]);
      endpoint.serve(publicJwks([kept]));
      // A URI of its own: workerd keeps fetched sets in the Cache API across tests.
      const uri = `https://keys.carrier-f.example/${Math.random().toString(36).slice(2)}.json`;
      const gw = await make({ clock, network: fetchingNetwork(uri), fetch: endpoint.fetch });
      const token = await mintToken(claims({ iss: "https://tokens.carrier-f.example" }), kept);
      expect(await verdict(gw, token)).toMatchObject({ valid: true });
      endpoint.serve(publicJwks([next]));
      // Fresh: the set fetched holds the key still, cached or not.
      clock.t += (JWKS_CACHE_SECONDS - 1) * 1000;
      expect(await verdict(gw, token)).toMatchObject({ valid: true });
      // Stale: refreshed in the request, and the key is gone.
      clock.t += 1000;
      expect(await verdict(gw, token)).toMatchObject({ valid: false, error: "key_unknown" });
      expect(endpoint.fetches).toBe(2);
    });
  });
}
