/**
 * @module Fetched carrier key sets (`jwks_uri`, `spec/oct.md` §5.5), as
 * {@link RemoteDocuments}: fetched on first need, cached for
 * `jwks_cache_seconds`, refreshed in the request when stale or on an unknown
 * `kid` at most once per cooldown, one fetch in flight shared by every
 * caller that needs it, and checked as inline sets are (§5.4). When a
 * refresh fails the last good keys serve for a grace period, then
 * `keys_unavailable`.
 */
import { OctError } from "../../core/errors.ts";
import { checkPublicJwks, type PublicJwk } from "../../core/keys/jwk.ts";
import { parseStrictJson } from "../../core/json/strict-json.ts";
import type { Limits } from "../../core/network/config.ts";
import type { Clock } from "../../ports/clock.ts";
import { RemoteDocuments, type DocumentStore } from "../http/remote-documents.ts";

export type JwksLimits = Pick<
  Limits,
  | "jwks_cache_seconds"
  | "jwks_cooldown_seconds"
  | "jwks_grace_seconds"
  | "jwks_fetch_timeout_ms"
  | "jwks_max_bytes"
  | "jwks_max_keys"
>;

export interface RemoteJwksOptions {
  clock: Clock;
  limits: JwksLimits;
  fetch?: typeof fetch;
  store?: DocumentStore;
}

export class RemoteJwks {
  private readonly documents: RemoteDocuments<Map<string, PublicJwk>>;

  constructor({ clock, limits, fetch, store }: RemoteJwksOptions) {
    this.documents = new RemoteDocuments({
      clock,
      rules: {
        timeoutMs: limits.jwks_fetch_timeout_ms,
        maxBytes: limits.jwks_max_bytes,
        cooldownMs: limits.jwks_cooldown_seconds * 1000,
        accept: "application/jwk-set+json, application/json",
        what: "key set",
      },
      judge: async (_uri, body, fetchedAt) => {
        const checked = checkPublicJwks(parseStrictJson(body), limits.jwks_max_keys);
        if ("error" in checked) throw new Error(checked.error);
        const freshUntil = fetchedAt + limits.jwks_cache_seconds * 1000;
        return {
          value: checked.keys,
          freshUntil,
          usableUntil: freshUntil + limits.jwks_grace_seconds * 1000,
        };
      },
      ...(fetch ? { fetch } : {}),
      ...(store ? { store } : {}),
    });
  }

  /** Fetches made, for metrics and tests. */
  get fetches(): number {
    return this.documents.fetches;
  }

  /** The key with this kid in the set at `uri`, refreshing as the rules allow. */
  async keyFor(uri: string, kid: string): Promise<PublicJwk | undefined> {
    const keys = await this.documents.get(uri, (found) => found.has(kid));
    if (!keys) {
      throw new OctError(
        "keys_unavailable",
        `the key set at ${uri} cannot be fetched, and no good copy is recent enough to use`,
      );
    }
    return keys.get(kid);
  }
}
