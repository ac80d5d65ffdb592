/**
 * @module The KeySource of a gateway: a carrier's or a peer's inline `jwks`
 * first, then its `jwks_uri` (`spec/oct.md` §5.3, §5.10), both fetched by
 * the one {@link RemoteJwks}.
 */
import type { PublicJwk } from "../../core/keys/jwk.ts";
import type { KeySetHolder, KeySource } from "../../ports/keys.ts";
import type { RemoteJwks } from "./remote-jwks.ts";

export class CarrierKeys implements KeySource {
  private readonly remote: RemoteJwks | undefined;

  constructor(remote?: RemoteJwks) {
    this.remote = remote;
  }

  async keyFor(holder: KeySetHolder, kid: string): Promise<PublicJwk | undefined> {
    const inline = holder.inlineKeys.get(kid);
    if (inline) return inline;
    if (holder.jwks_uri === undefined || !this.remote) return undefined;
    return this.remote.keyFor(holder.jwks_uri, kid);
  }
}
