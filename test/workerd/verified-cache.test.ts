import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/runtime/worker.ts";
import { claims, ISSUER_A, mintToken, testKeys, testNetworkDocument } from "../support/network.ts";
import { defineVerifiedCacheSuite } from "../support/verified-cache-suite.ts";
import { workerGateway } from "./gateway.ts";

defineVerifiedCacheSuite((options) => workerGateway(options));

describe("the Worker's verified-token cache and a new configuration", () => {
  it("still refuses a token it has kept once a new OCT_CONFIG suspends its carrier", async () => {
    const keys = await testKeys();
    const now = Math.floor(Date.now() / 1000);
    const token = await mintToken(
      claims({ iat: now - 10, nbf: now - 10, exp: now + 3600 }),
      keys.eddsa,
    );
    const verify = async (config: unknown) => {
      const ctx = createExecutionContext();
      const response = await worker.fetch(
        new Request("https://gw.test.example/v1/verify", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ token }),
        }),
        { ...env, OCT_CONFIG: JSON.stringify(config) } as never,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return (await response.json()) as { valid: boolean; error?: string };
    };
    const active = testNetworkDocument(keys);
    expect(await verify(active)).toMatchObject({ valid: true });
    expect(await verify(active)).toMatchObject({ valid: true });
    const suspended = testNetworkDocument(keys);
    suspended.carriers = suspended.carriers.map((c) =>
      c.issuer === ISSUER_A ? { ...c, status: "suspended" as const } : c,
    );
    expect(await verify(suspended)).toMatchObject({ valid: false, error: "carrier_suspended" });
  });
});
