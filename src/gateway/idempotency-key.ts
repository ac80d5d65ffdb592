/**
 * @module The `Idempotency-Key` header field of a redemption (`spec/oct.md`
 * §8.4, §8.5): exactly one field, 1 to 255 characters, no comma.
 *
 * HTTP lets any recipient join repeated fields into one value with commas
 * (RFC 9110 §5.3): Node's parser does, and so do workerd and many proxies, so
 * a joined value cannot be told from one key containing a comma. Keys
 * therefore never contain a comma, and a comma means more than one field.
 */
import type { Context } from "hono";
import { OctError } from "../core/errors.ts";
import { IDEMPOTENCY_KEY } from "../core/redemption/fingerprint.ts";
import type { GatewayEnv } from "./env.ts";
import { checkJsonMediaType } from "./media-type.ts";

const FIELD = "idempotency-key";

/**
 * How many `name` fields the request carried, where the runtime keeps the
 * fields apart (Node's `rawHeaders`, which @hono/node-server passes as
 * `env.incoming`); `undefined` elsewhere.
 */
function fieldCount(c: Context<GatewayEnv>, name: string): number | undefined {
  const raw = (c.env as { incoming?: { rawHeaders?: unknown } } | undefined)?.incoming?.rawHeaders;
  if (!Array.isArray(raw)) return undefined;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) {
    if (String(raw[i]).toLowerCase() === name) count++;
  }
  return count;
}

/**
 * The request's idempotency key, or the problem of §8.4 step 1. The key is
 * judged after the media type, as the order of checks of §7.1 says (a
 * `text/plain` request without a key is 415, not 400), so the media type is
 * checked first here.
 *
 * @example
 * const key = idempotencyKeyOf(c);
 */
export function idempotencyKeyOf(c: Context<GatewayEnv>): string {
  checkJsonMediaType(c.req.header("content-type"));
  const fields = fieldCount(c, FIELD);
  if (fields !== undefined && fields > 1) {
    throw new OctError("request_invalid", `send one Idempotency-Key field, not ${fields}`);
  }
  const key = c.req.header(FIELD);
  if (key === undefined || key === "") {
    throw new OctError(
      "idempotency_key_required",
      "send an Idempotency-Key header (1 to 255 visible ASCII characters)",
    );
  }
  if (key.includes(",")) {
    throw new OctError(
      "request_invalid",
      "an Idempotency-Key has no comma: repeated fields arrive joined by commas, so a comma means more than one key",
    );
  }
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new OctError(
      "request_invalid",
      "the Idempotency-Key must be 1 to 255 visible ASCII characters other than a comma",
    );
  }
  return key;
}
