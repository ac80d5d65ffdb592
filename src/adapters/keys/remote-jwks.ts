/**
 * @module Fetched carrier key sets (`jwks_uri`, `spec/oct.md` §5.5): fetched
 * on first need, cached, refreshed in the request when stale or on an unknown
 * `kid` at most once per cooldown, one fetch in flight shared by every caller
 * that needs it; fetched with a timeout, without redirects, under a size cap
 * and checked as inline sets are (§5.4). When a refresh fails the last good
 * keys serve for a grace period, then `keys_unavailable`.
 */
import { OctError } from "../../core/errors.ts";
import { checkPublicJwks, type PublicJwk } from "../../core/keys/jwk.ts";
import { checkJwksUri } from "../../core/keys/jwks-uri.ts";
import { parseStrictJson } from "../../core/json/strict-json.ts";
import type { Limits } from "../../core/network/config.ts";
import type { Clock } from "../../ports/clock.ts";
import { readCapped } from "../http/read-capped.ts";

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
  /** Start of the last fetch, successful or not: the cooldown runs from it. */
  attemptedAt: number;
  /** The fetch in flight, which every caller that needs the set awaits. */
  pending?: Promise<void>;
}

export interface RemoteJwksOptions {
  clock: Clock;
  limits: JwksLimits;
  fetch?: typeof fetch;
  store?: JwksCacheStore;
}

export class RemoteJwks {
  /** Per uri, the state once the shared store has been read into it. */
  private readonly states = new Map<string, Promise<State>>();
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
    const fresh =
      state.keys !== undefined && clock.now() - state.fetchedAt < limits.jwks_cache_seconds * 1000;
    if (fresh && state.keys!.has(kid)) return state.keys!.get(kid);
    // Stale, missing, or an unknown kid (perhaps a rotation): wait for the
    // fetch in flight if there is one (spec §5.5 item 7: concurrent
    // verifications share it), else start one, at most once per cooldown so
    // a flood of random kids costs one fetch. The refresh happens in the
    // request, never in the background (§5.5 item 6).
    if (state.pending) await state.pending;
    else if (clock.now() - state.attemptedAt >= limits.jwks_cooldown_seconds * 1000) {
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

  /** The state of `uri`, read once from the shared store by whichever caller comes first. */
  private stateOf(uri: string): Promise<State> {
    let state = this.states.get(uri);
    if (!state) {
      state = this.load(uri);
      this.states.set(uri, state);
    }
    return state;
  }

  private async load(uri: string): Promise<State> {
    const state: State = { fetchedAt: 0, attemptedAt: -Infinity };
    const stored = await this.options.store?.get(uri).catch(() => undefined);
    // A stored set is checked again: the store is outside the process.
    const checked = stored && checkPublicJwks(stored.jwks, this.options.limits.jwks_max_keys);
    if (stored && checked && "keys" in checked) {
      state.keys = checked.keys;
      state.fetchedAt = stored.fetchedAt;
    }
    return state;
  }

  private refresh(uri: string, state: State): Promise<void> {
    state.attemptedAt = this.options.clock.now();
    state.pending = (async () => {
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
      const text = await readCapped(response, limits.jwks_max_bytes, "key set");
      return parseStrictJson(text) as { keys: unknown[] };
    } finally {
      clearTimeout(timer);
    }
  }
}
