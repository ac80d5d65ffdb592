/**
 * @module Step 9 of the verification algorithm (`spec/oct.md` §6.2): the
 * token's status in its carrier's status list. It runs on every
 * verification, apart from steps 1 to 8: their outcome depends only on the
 * token, the configuration, the keys and the clock, and may be kept; a
 * status changes whenever the carrier says so.
 */
import { OctError } from "../errors.ts";
import type { Carrier } from "../network/config.ts";
import type { TokenClaims } from "../token/claims.ts";
import type { StatusListSource } from "../../ports/status-lists.ts";
import { isAllowedStatusList } from "./allowed.ts";
import { TOKEN_STATUS } from "./status-list.ts";

const hex = (value: number) => `0x${value.toString(16).padStart(2, "0")}`;

/**
 * Refuses a token whose carrier revoked or suspended it; passes a token
 * without `status`.
 *
 * @example
 * await checkTokenStatus(verified.claims, verified.carrier, statusLists);
 */
export async function checkTokenStatus(
  claims: TokenClaims,
  carrier: Carrier,
  statusLists: StatusListSource,
): Promise<void> {
  const reference = claims.status?.status_list;
  if (!reference) return;
  const { idx, uri } = reference;
  // The token names its list; only the carrier's entry says whether it may be fetched.
  if (!isAllowedStatusList(carrier.status_lists, uri)) {
    throw new OctError(
      "status_reference_invalid",
      `carrier ${carrier.id} publishes no status list at ${uri}`,
    );
  }
  const status = await statusLists.statusOf(carrier, uri, idx);
  if (status === undefined)
    throw new OctError("status_reference_invalid", `the status list at ${uri} has no index ${idx}`);
  if (status === TOKEN_STATUS.VALID) return;
  if (status === TOKEN_STATUS.SUSPENDED)
    throw new OctError("token_suspended", `carrier ${carrier.id} has suspended the token`);
  throw new OctError(
    "token_revoked",
    status === TOKEN_STATUS.INVALID
      ? `carrier ${carrier.id} has revoked the token`
      : `the token's status is ${hex(status)}, which OCT does not define: it is not valid`,
  );
}
