/**
 * @module Where a verified token's balance lives and its grants, as this
 * gateway sees them, for an inspection (`spec/oct.md` §7.12, §11.2): no
 * home, this gateway, or a peer; at the home the grants it issued for the
 * token, at a visited gateway those it holds, each as a grant report lists it.
 */
import type { InspectResponse } from "../../generated/types.ts";
import type { GrantLedger } from "../../ports/grant-ledger.ts";
import type { HomeOf } from "../federation/home.ts";
import { reportEntryOf } from "../federation/records.ts";

/** How many grants an inspection lists (`spec/oct.md` §7.12). */
export const INSPECT_GRANT_LIMIT = 20;

/** The `home` of an inspection: `home` resolved, with this gateway's id when it is the home. */
export function homeShown(home: HomeOf, gatewayId: string): NonNullable<InspectResponse["home"]> {
  if (home.kind === "none") return { kind: "none" };
  if (home.kind === "here") return { kind: "here", id: gatewayId };
  return { kind: "peer", id: home.peer.id, url: home.peer.url };
}

/**
 * The token's grants here, newest first: issued at its home, held at a
 * visited gateway; none for a token without a home, nor at a gateway that
 * does not federate (it has issued none).
 *
 * @example
 * const grants = await grantsShown(home, tokenKeyOf(verified.identity), ports.grants, now);
 */
export async function grantsShown(
  home: HomeOf,
  tokenKey: string,
  grants: GrantLedger | undefined,
  now: number,
): Promise<InspectResponse["grants"]> {
  if (home.kind === "none") return undefined;
  if (!grants) return [];
  const records =
    home.kind === "here"
      ? await grants.latestIssuedGrants(tokenKey, INSPECT_GRANT_LIMIT, now)
      : await grants.latestHeldGrants(tokenKey, INSPECT_GRANT_LIMIT);
  return records.map(reportEntryOf);
}
