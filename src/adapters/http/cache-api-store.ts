/**
 * @module Fetched documents (key sets, status lists) kept in the Workers
 * Cache API, so a new isolate starts with the last good copy instead of
 * fetching again (`spec/oct.md` §5.5, §6.5). The cache is local to a data
 * centre; each one fetches on its own. Read back, a copy is judged again.
 */
import type { DocumentStore, StoredDocument } from "./remote-documents.ts";

const ONE_WEEK_SECONDS = 7 * 24 * 3600;

export class CacheApiDocumentStore implements DocumentStore {
  private readonly cacheName: string;

  /** `cacheName` keeps each kind of document apart: `oct-jwks`, `oct-status-lists`. */
  constructor(cacheName: string) {
    this.cacheName = cacheName;
  }

  // The Cache API keys by URL; this synthetic origin keeps our entries apart.
  private keyOf(uri: string): string {
    return `https://${this.cacheName}.internal/${encodeURIComponent(uri)}`;
  }

  async get(uri: string): Promise<StoredDocument | undefined> {
    const cache = await caches.open(this.cacheName);
    const hit = await cache.match(this.keyOf(uri));
    return hit ? ((await hit.json()) as StoredDocument) : undefined;
  }

  async put(uri: string, entry: StoredDocument): Promise<void> {
    const cache = await caches.open(this.cacheName);
    await cache.put(
      this.keyOf(uri),
      new Response(JSON.stringify(entry), {
        headers: {
          "content-type": "application/json",
          "cache-control": `max-age=${ONE_WEEK_SECONDS}`,
        },
      }),
    );
  }
}
