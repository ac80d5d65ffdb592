/**
 * @module Fetched carrier key sets (`jwks_uri`, `spec/oct.md` §5.2): cached,
 * refreshed on an unknown `kid` at most once per cooldown, fetched with a
 * timeout, without redirects and under a size cap; when a refresh fails the
 * last good keys serve for a grace period, then `keys_unavailable`.
 */
import { OctError } from "../../core/errors.ts";
import { checkPublicJwks, type PublicJwk } from "../../core/keys/jwk.ts";
import { checkJwksUri } from "../../core/keys/jwks-uri.ts";
import { parseStrictJson } from "../../core/json/strict-json.ts";
import type { Limits } from "../../core/network/config.ts";
import type { Clock } from "../../ports/clock.ts";

/** A key set as last fetched, kept where the runtime can keep it. */
export interface CachedJwks {
  /** The fetched document, already checked. */
  jwks: { keys: unknown[] };
  /** When it was fetched, in ms since the epoch. */
  fetchedAt: number;
}

/**
 * Storage for fetched key sets that outlives one process or isolate (the
 * Cache API on Workers); the fetcher also keeps its own copy in memory.
 */
export interface JwksCacheStore {
  get(uri: string): Promise<CachedJwks | undefined>;
  put(uri: string, entry: CachedJwks): Promise<void>;
}

export type JwksLimits = Pick<
  Limits,
  | "jwks_cache_seconds"
  | "jwks_cooldown_seconds"
  | "jwks_grace_seconds"
  | "jwks_fetch_timeout_ms"
  | "jwks_max_bytes"
  | "jwks_max_keys"
>;

interface State {
  keys?: Map<string, PublicJwk>;
  fetchedAt: number;
  /** Last fetch attempt, successful or not, for the cooldown. */
  attemptedAt: number;
  pending?: Promise<void>;
}

export interface RemoteJwksOptions {
  clock: Clock;
  limits: JwksLimits;
  fetch?: typeof fetch;
  store?: JwksCacheStore;
}

export class RemoteJwks {
  private readonly states = new Map<string, State>();
  private readonly options: RemoteJwksOptions;
  /** Fetches made, for metrics and tests. */
  fetches = 0;

  constructor(options: RemoteJwksOptions) {
    this.options = options;
  }

  /** The key with this kid in the set at `uri`, refreshing as the rules allow. */
  async keyFor(uri: string, kid: string): Promise<PublicJwk | undefined> {
    const { clock, limits } = this.options;
    const state = await this.stateOf(uri);
    const now = clock.now();
    const fresh =
      state.keys !== undefined && now - state.fetchedAt < limits.jwks_cache_seconds * 1000;
    if (fresh && state.keys!.has(kid)) return state.keys!.get(kid);
    // Stale, missing, or an unknown kid (perhaps a rotation): refresh, but at
    // most once per cooldown, so a flood of random kids costs one fetch.
    if (now - state.attemptedAt >= limits.jwks_cooldown_seconds * 1000) {
      await this.refresh(uri, state);
    }
    if (state.keys === undefined) {
      throw new OctError("keys_unavailable", `the key set at ${uri} cannot be fetched`);
    }
    const age = clock.now() - state.fetchedAt;
    if (age >= (limits.jwks_cache_seconds + limits.jwks_grace_seconds) * 1000) {
      throw new OctError(
        "keys_unavailable",
        `the key set at ${uri} is out of date and cannot be refreshed`,
      );
    }
    return state.keys.get(kid);
  }

  private async stateOf(uri: string): Promise<State> {
    let state = this.states.get(uri);
    if (!state) {
      state = { fetchedAt: 0, attemptedAt: -Infinity };
      this.states.set(uri, state);
      const stored = await this.options.store?.get(uri).catch(() => undefined);
      const checked = stored && checkPublicJwks(stored.jwks, this.options.limits.jwks_max_keys);
      if (stored && checked && "keys" in checked) {
        state.keys = checked.keys;
        state.fetchedAt = stored.fetchedAt;
      }
    }
    return state;
  }

  private refresh(uri: string, state: State): Promise<void> {
    // Concurrent requests share one fetch.
    state.pending ??= (async () => {
      state.attemptedAt = this.options.clock.now();
      try {
        const jwks = await this.download(uri);
        const checked = checkPublicJwks(jwks, this.options.limits.jwks_max_keys);
        if ("error" in checked) throw new Error(checked.error);
        state.keys = checked.keys;
        state.fetchedAt = this.options.clock.now();
        await this.options.store
          ?.put(uri, { jwks, fetchedAt: state.fetchedAt })
          .catch(() => undefined);
      } catch {
        // Keep the last good keys; keyFor decides whether they may still serve.
      } finally {
        state.pending = undefined;
      }
    })();
    return state.pending;
  }

  private async download(uri: string): Promise<{ keys: unknown[] }> {
    const problem = checkJwksUri(uri);
    if (problem) throw new Error(problem);
    const { limits } = this.options;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), limits.jwks_fetch_timeout_ms);
    this.fetches++;
    try {
      const response = await (this.options.fetch ?? fetch)(uri, {
        redirect: "manual",
        signal: controller.signal,
        headers: { accept: "application/jwk-set+json, application/json" },
      });
      if (response.status !== 200) throw new Error(`status ${response.status}`);
      const text = await readCapped(response, limits.jwks_max_bytes);
      return parseStrictJson(text) as { keys: unknown[] };
    } finally {
      clearTimeout(timer);
    }
  }
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new Error("key set too large");
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error("key set too large");
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
}
