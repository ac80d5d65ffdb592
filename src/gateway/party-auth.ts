/**
 * @module Party authentication as Hono middleware (`spec/oct.md` §7.13):
 * the request's `Authorization: Bearer` client assertion, checked by the
 * core, sets the authenticated party for the route; its refusals carry the
 * `Bearer` challenge of RFC 6750.
 */
import type { MiddlewareHandler } from "hono";
import { OctError, type ErrorCode } from "../core/errors.ts";
import { authenticateParty } from "../core/party/assertion.ts";
import type { GatewayEnv } from "./env.ts";
import type { GatewayPorts } from "./ports.ts";

// RFC 6750 §2.1: the b64token of a bearer credential, in one field (a second
// field would be joined to the first with a comma, which no b64token holds).
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i;

/** The refusals of §7.13 steps 1 to 6, answered with a `Bearer` challenge. */
export const PARTY_AUTHENTICATION_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "authentication_required",
  "party_unknown",
  "client_assertion_invalid",
  "client_assertion_replayed",
]);

/** The `WWW-Authenticate` value of a 401 for a party's credentials (RFC 6750 §3). */
export function bearerChallenge(code: ErrorCode): string {
  return code === "authentication_required"
    ? 'Bearer realm="oct"'
    : 'Bearer realm="oct", error="invalid_token"';
}

/** Authenticates the request's party, or refuses it; the route reads `c.get("party")`. */
export function requireParty(ports: GatewayPorts): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const field = c.req.header("authorization");
    const credential = field === undefined ? undefined : BEARER.exec(field.trim())?.[1];
    if (credential === undefined)
      throw new OctError(
        "authentication_required",
        field === undefined
          ? "this resource answers a carrier, a provider or an operator: send a client assertion as Authorization: Bearer"
          : "the Authorization field is not one Bearer credential",
      );
    c.set(
      "party",
      await authenticateParty(credential, {
        network: ports.network,
        keys: ports.keys,
        assertions: ports.assertions,
        now: ports.clock.now(),
      }),
    );
    await next();
  };
}
