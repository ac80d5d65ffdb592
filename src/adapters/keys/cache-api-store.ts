/**
 * @module Fetched key sets kept in the Workers Cache API, so a new isolate
 * starts with the last good keys instead of fetching again (`spec/oct.md`
 * §5.2). The cache is local to a data centre; each one fetches on its own.
 */
import type { CachedJwks, JwksCacheStore } from "./remote-jwks.ts";

const CACHE_NAME = "oct-jwks";
// The Cache API keys by URL; this synthetic origin keeps our entries apart.
const keyOf = (uri: string) => `https://oct-jwks.internal/${encodeURIComponent(uri)}`;
const ONE_WEEK_SECONDS = 7 * 24 * 3600;

export class CacheApiJwksStore implements JwksCacheStore {
  async get(uri: string): Promise<CachedJwks | undefined> {
    const cache = await caches.open(CACHE_NAME);
    const hit = await cache.match(keyOf(uri));
    return hit ? ((await hit.json()) as CachedJwks) : undefined;
  }

  async put(uri: string, entry: CachedJwks): Promise<void> {
    const cache = await caches.open(CACHE_NAME);
    await cache.put(
      keyOf(uri),
      new Response(JSON.stringify(entry), {
        headers: {
          "content-type": "application/json",
          "cache-control": `max-age=${ONE_WEEK_SECONDS}`,
        },
      }),
    );
  }
}
