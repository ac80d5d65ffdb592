/**
 * @module Where a token's balance lives (`spec/oct.md` §11.2): nowhere in
 * particular (no `oct.home`: every gateway's own ledger, as in 0.1), here,
 * or at a configured peer its carrier allows. A home named by the token but
 * not allowed by the configuration is refused: URLs and keys come only from
 * configuration, and a carrier withdraws a home there.
 */
import { OctError } from "../errors.ts";
import type { Carrier, Network } from "../network/config.ts";
import type { Peer } from "../network/peers.ts";

export type HomeOf =
  /** No `oct.home`: this gateway's ledger, as in version 0.1. */
  | { kind: "none" }
  /** This gateway is the token's home. */
  | { kind: "here" }
  /** This gateway is a visited gateway; `peer` is the home. */
  | { kind: "peer"; peer: Peer };

/**
 * Resolves the home of a verified token.
 *
 * @example
 * const home = homeOf({ oct: claims.oct, carrier }, network);
 * if (home.kind === "peer") // ask home.peer for a grant
 */
export function homeOf(
  token: { oct: { home?: string }; carrier: Pick<Carrier, "id" | "homes"> },
  network: Pick<Network, "gatewayId" | "peerById">,
): HomeOf {
  const home = token.oct.home;
  if (home === undefined) return { kind: "none" };
  if (!token.carrier.homes?.includes(home)) {
    throw new OctError(
      "home_unknown",
      `carrier ${token.carrier.id} does not allow ${home} to hold its balances here`,
    );
  }
  if (home === network.gatewayId) return { kind: "here" };
  const peer = network.peerById(home);
  if (!peer) throw new OctError("home_unknown", `the token's home ${home} is not a peer`);
  return { kind: "peer", peer };
}
