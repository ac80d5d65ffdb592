/**
 * @module The KeySource of a gateway: a carrier's inline `jwks` first, then
 * its `jwks_uri` (`spec/oct.md` §5.2).
 */
import type { PublicJwk } from "../../core/keys/jwk.ts";
import type { Carrier } from "../../core/network/config.ts";
import type { KeySource } from "../../ports/keys.ts";
import type { RemoteJwks } from "./remote-jwks.ts";

export class CarrierKeys implements KeySource {
  private readonly remote: RemoteJwks | undefined;

  constructor(remote?: RemoteJwks) {
    this.remote = remote;
  }

  async keyFor(carrier: Carrier, kid: string): Promise<PublicJwk | undefined> {
    const inline = carrier.inlineKeys.get(kid);
    if (inline) return inline;
    if (carrier.jwks_uri === undefined || !this.remote) return undefined;
    return this.remote.keyFor(carrier.jwks_uri, kid);
  }
}
