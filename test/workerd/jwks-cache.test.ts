/**
 * Fetched key sets survive isolate churn on Workers: they are kept in the
 * Cache API, and a new RemoteJwks (a new isolate) starts from them without
 * fetching.
 */
import { describe, expect, it } from "vitest";
import { CacheApiDocumentStore } from "../../src/adapters/http/cache-api-store.ts";
import { RemoteJwks } from "../../src/adapters/keys/remote-jwks.ts";
import { generateSigningKey, publicJwks } from "../../src/core/signing/keys.ts";
import { DEFAULT_LIMITS } from "../../src/core/network/config.ts";

describe("CacheApiDocumentStore", () => {
  it("keeps a fetched key set for the next isolate", async () => {
    const key = await generateSigningKey("EdDSA");
    const uri = "https://tokens.carrier-x.example/.well-known/jwks.json";
    let fetches = 0;
    const fetchJwks = (async () => {
      fetches++;
      return new Response(JSON.stringify(publicJwks([key])), { status: 200 });
    }) as unknown as typeof fetch;
    const clock = { now: () => Date.now() };
    const store = new CacheApiDocumentStore("oct-jwks");

    const first = new RemoteJwks({ clock, limits: DEFAULT_LIMITS, store, fetch: fetchJwks });
    expect((await first.keyFor(uri, key.kid))?.kid).toBe(key.kid);
    expect(fetches).toBe(1);
    expect(JSON.parse((await store.get(uri))!.body).keys).toHaveLength(1);

    const next = new RemoteJwks({ clock, limits: DEFAULT_LIMITS, store, fetch: fetchJwks });
    expect((await next.keyFor(uri, key.kid))?.kid).toBe(key.kid);
    expect(fetches).toBe(1);
  });
});
