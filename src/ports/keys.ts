/**
 * @module Where the public keys of a carrier (or of a provider or an
 * operator, which authenticate with theirs, §7.13) come from: inline `jwks`,
 * a fetched `jwks_uri`, or both (`spec/oct.md` §5.2). The core asks by entry
 * and `kid` only; it never takes a key from the token or the assertion.
 */
import type { PublicJwk } from "../core/keys/jwk.ts";
import type { KeyHolder } from "../core/network/config.ts";

export interface KeySource {
  /**
   * The key of `holder` with this `kid`, or `undefined` when the entry has
   * none (after whatever refresh the source's cooldown allows). Throws an
   * `OctError` with code `keys_unavailable` when the keys cannot be obtained.
   */
  keyFor(holder: KeyHolder, kid: string): Promise<PublicJwk | undefined>;
}
