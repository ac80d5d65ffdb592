/**
 * @module The gateway's own URL for a path (`spec/oct.md` §5.2, §7.3, §6.6):
 * resolved against `gateway.id` when that is an http(s) URL, so that what a
 * client signs (a holder proof's `htu`) or is told (`jwks_uri`) does not
 * depend on a `Host` header; for any other id, against the request's URL.
 */
import type { Context } from "hono";
import type { Network } from "../core/network/config.ts";
import type { GatewayEnv } from "./env.ts";

/**
 * Whether a gateway id is an http(s) URL paths can be placed under. Any
 * absolute URI is a valid id (§5.2); for one that is not such a URL (a URN),
 * the request's URL stands in.
 */
export function isHttpUrl(id: string): boolean {
  return /^https?:\/\//i.test(id) && URL.canParse(id);
}

/**
 * The gateway's URL of `path`, without query or fragment.
 *
 * @example
 * publicUrlOf(c, network, "/v1/redemptions") // "https://gw.example/v1/redemptions"
 */
export function publicUrlOf(c: Context<GatewayEnv>, network: Network, path: string): string {
  return new URL(path, isHttpUrl(network.gatewayId) ? network.gatewayId : c.req.url).href;
}
