/**
 * @module Where public keys come from: a carrier's, a peer gateway's, or a
 * provider's or an operator's (which authenticate with theirs, §7.13):
 * inline `jwks`, its fetched `jwks_uri`, or both (`spec/oct.md` §5.3, §5.5,
 * §5.10). The core asks by holder and `kid` only; it never takes a key from
 * the token or document it verifies.
 */
import type { PublicJwk } from "../core/keys/jwk.ts";

/** Whoever publishes a key set: a carrier (its tokens) or a peer gateway (its documents). */
export interface KeySetHolder {
  /** Inline keys by kid, checked at load. */
  inlineKeys: Map<string, PublicJwk>;
  jwks_uri?: string;
}

export interface KeySource {
  /**
   * The key of `holder` with this `kid`, or `undefined` when it has none
   * (after whatever refresh the source's cooldown allows). Throws an
   * `OctError` with code `keys_unavailable` when the keys cannot be obtained.
   */
  keyFor(holder: KeySetHolder, kid: string): Promise<PublicJwk | undefined>;
}
