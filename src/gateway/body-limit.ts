/**
 * @module The body size limit of `spec/oct.md` §7.1 (413 `payload_too_large`
 * beyond `body_max_bytes`), judged from `Content-Length` when the request has
 * one and while reading otherwise.
 *
 * Why not Hono's `bodyLimit` alone: it reads `c.req.raw.body` on every
 * request, which on Node makes @hono/node-server build a full `Request` and a
 * web stream over the socket's stream instead of reading the body directly
 * (`bench/README.md`). With a `Content-Length` (and no `Transfer-Encoding`,
 * which Node's parser refuses beside it anyway) the decision is the header's,
 * as Hono's own; only a body of unknown length goes through Hono's
 * middleware, which counts it while reading.
 */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { GatewayEnv } from "./env.ts";

export function limitBody(
  maxBytes: number,
  onError: (c: Context<GatewayEnv>) => Response,
): MiddlewareHandler<GatewayEnv> {
  const whileReading = bodyLimit({ maxSize: maxBytes, onError });
  return async (c, next) => {
    const length = c.req.header("content-length");
    if (length !== undefined && c.req.header("transfer-encoding") === undefined) {
      if (parseInt(length, 10) > maxBytes) return onError(c);
      return next();
    }
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    return whileReading(c, next);
  };
}
