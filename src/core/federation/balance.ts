/**
 * @module A token's balance as this gateway sees it (`spec/oct.md` §7.9,
 * §11.9): the ledger's balance where the token has no home or is homed
 * here; at a visited gateway, its own view, `remaining` the room of its
 * drawable grants and `home` naming where the balance lives.
 */
import { formatAmount } from "../amount/decimal.ts";
import { OctError } from "../errors.ts";
import type { Network } from "../network/config.ts";
import { balanceOf, type TokenBalance } from "../redemption/balance.ts";
import { tokenKeyOf } from "../redemption/record.ts";
import type { VerifiedToken } from "../token/verify.ts";
import type { Clock } from "../../ports/clock.ts";
import type { GrantLedger } from "../../ports/grant-ledger.ts";
import type { Ledger } from "../../ports/ledger.ts";
import { allowanceOf } from "./held-grant.ts";
import { homeOf } from "./home.ts";
import { heldOf } from "./records.ts";

export interface BalanceDeps {
  network: Network;
  clock: Clock;
  ledger: Ledger;
  grants?: GrantLedger;
}

/**
 * The balance of a verified token here; throws `home_unknown` for a home
 * this gateway may not federate with.
 *
 * @example
 * const balance = await balanceHere(ports, verified);
 */
export async function balanceHere(
  deps: BalanceDeps,
  token: VerifiedToken,
): Promise<TokenBalance & { home?: string }> {
  const home = homeOf({ oct: token.claims.oct, carrier: token.carrier }, deps.network);
  const now = deps.clock.now();
  const balance = await balanceOf(deps.ledger, token, now);
  if (home.kind !== "peer") return balance;
  if (!deps.grants) throw new OctError("home_unavailable", "this gateway does not federate");
  const held = await deps.grants.heldGrants(tokenKeyOf(token.identity));
  const room = allowanceOf(held.map(heldOf), now, 0);
  return {
    ...balance,
    remaining: { amount: formatAmount(room), unit: token.claims.oct.unit },
    home: home.peer.id,
  };
}
