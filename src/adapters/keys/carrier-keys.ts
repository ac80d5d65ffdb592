/**
 * @module The KeySource of a gateway: an entry's inline `jwks` first, then
 * its `jwks_uri` (`spec/oct.md` §5.2), for carriers and, as §7.13 has them
 * authenticate, for providers and operators alike.
 */
import type { PublicJwk } from "../../core/keys/jwk.ts";
import type { KeyHolder } from "../../core/network/config.ts";
import type { KeySource } from "../../ports/keys.ts";
import type { RemoteJwks } from "./remote-jwks.ts";

export class CarrierKeys implements KeySource {
  private readonly remote: RemoteJwks | undefined;

  constructor(remote?: RemoteJwks) {
    this.remote = remote;
  }

  async keyFor(holder: KeyHolder, kid: string): Promise<PublicJwk | undefined> {
    const inline = holder.inlineKeys.get(kid);
    if (inline) return inline;
    if (holder.jwks_uri === undefined || !this.remote) return undefined;
    return this.remote.keyFor(holder.jwks_uri, kid);
  }
}
