/**
 * @module RFC 9457 problem details: the one shape of every error answer,
 * `type` `urn:oct:error:<code>` with the stable `code` (`spec/oct.md` §7.2).
 */
import type { Context } from "hono";
import { OctError, type ErrorCode, type OctErrorOptions } from "../core/errors.ts";
import { isHolderProofRefusal } from "../core/holder/binding.ts";
import type { GatewayEnv, Logger } from "./env.ts";
import { dpopChallenge } from "./holder-proof.ts";
import { bearerChallenge, PARTY_AUTHENTICATION_CODES } from "./party-auth.ts";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** The problem response for an error, with the request id and path. */
export function problemResponse(c: Context<GatewayEnv>, error: OctError): Response {
  const body = error.toProblem({ instance: c.req.path, request_id: c.get("requestId") });
  const headers = new Headers({
    "content-type": PROBLEM_CONTENT_TYPE,
    "x-request-id": c.get("requestId") ?? "",
  });
  // RFC 9110 §15.5.2: a 401 names its authentication scheme: Bearer for a
  // party's credentials (spec §7.13), OCT for a token (§14.4).
  if (error.status === 401)
    headers.set(
      "www-authenticate",
      PARTY_AUTHENTICATION_CODES.has(error.code)
        ? bearerChallenge(error.code)
        : `OCT error="${error.code}"`,
    );
  // A refused holder proof also names the DPoP scheme (spec §6.6, RFC 9449 §7.1).
  if (isHolderProofRefusal(error)) headers.append("www-authenticate", dpopChallenge(error.code));
  if (error.retryAfterSeconds !== undefined)
    headers.set("retry-after", String(error.retryAfterSeconds));
  if (c.req.path.startsWith("/v1/")) headers.set("cache-control", "no-store");
  return new Response(JSON.stringify(body), { status: error.status, headers });
}

/** Shorthand for a problem response of a code. */
export function problem(
  c: Context<GatewayEnv>,
  code: ErrorCode,
  detail: string,
  options?: OctErrorOptions,
): Response {
  return problemResponse(c, new OctError(code, detail, options));
}

/**
 * The status of the answer to a request whose client went away: nobody reads
 * it. 499 is the code proxies log for "client closed request"; it is never an
 * API answer, so it has no problem code.
 */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * `app.onError`, logging to `logger`: typed errors become their problem; a failure because the
 * client went away (its request aborted, its body cut short) is no fault of
 * the gateway and is neither logged nor answered as one; anything else is a
 * 500 that leaks nothing.
 */
export function onError(logger?: Logger): (error: Error, c: Context<GatewayEnv>) => Response {
  return (error, c) => {
    if (error instanceof OctError) return problemResponse(c, error);
    if (c.req.raw.signal.aborted) {
      c.set("clientAborted", true);
      return new Response(null, { status: CLIENT_CLOSED_REQUEST });
    }
    logger?.error("unexpected error", error);
    return problem(c, "internal_error", "the gateway could not complete the request");
  };
}
