/**
 * @module Where a carrier's public keys come from: inline `jwks`, a fetched
 * `jwks_uri`, or both (`spec/oct.md` §5.2). The core asks by carrier and
 * `kid` only; it never takes a key from the token.
 */
import type { PublicJwk } from "../core/keys/jwk.ts";
import type { Carrier } from "../core/network/config.ts";

export interface KeySource {
  /**
   * The key of `carrier` with this `kid`, or `undefined` when the carrier has
   * none (after whatever refresh the source's cooldown allows). Throws an
   * `OctError` with code `keys_unavailable` when the keys cannot be obtained.
   */
  keyFor(carrier: Carrier, kid: string): Promise<PublicJwk | undefined>;
}
