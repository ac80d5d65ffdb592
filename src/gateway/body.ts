/**
 * @module Reading a JSON request body (`spec/oct.md` §7.1): UTF-8
 * `application/json` only, decoded with fatal errors, strict JSON (no
 * byte-order mark, no duplicate members, no lone surrogates, escaped or
 * not), an object, and valid against the request's schema, or a
 * `request_invalid` problem naming each failing JSON Pointer. A body is
 * refused, never repaired.
 */
import type { Context } from "hono";
import { OctError } from "../core/errors.ts";
import { parseStrictJson, StrictJsonError } from "../core/json/strict-json.ts";
import { schemaErrors } from "../core/validation.ts";
import type { Validator } from "../generated/validators.js";
import type { GatewayEnv } from "./env.ts";
import { checkJsonMediaType, checkJwsMediaType } from "./media-type.ts";

export interface JsonBody<T> {
  value: T;
  /** The body exactly as received, for idempotency fingerprints. */
  text: string;
}

// fatal: invalid UTF-8 is an error, not U+FFFD; ignoreBOM: a byte-order mark
// stays in the text, where the strict parser refuses it.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Parses and validates the request body.
 *
 * @example
 * const { value } = await readJsonBody(c, validateVerifyRequest);
 */
export async function readJsonBody<T>(
  c: Context<GatewayEnv>,
  validator: Validator<T>,
): Promise<JsonBody<T>> {
  checkJsonMediaType(c.req.header("content-type"));
  let text: string;
  const bytes = await c.req.arrayBuffer();
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new OctError("request_invalid", "the body is not valid UTF-8");
  }
  let value: unknown;
  try {
    value = parseStrictJson(text, { refuseEscapedLoneSurrogates: true });
  } catch (error) {
    const reason = error instanceof StrictJsonError ? error.message : "not JSON";
    throw new OctError("request_invalid", `the body is not valid JSON: ${reason}`);
  }
  if (!validator(value)) {
    const errors = schemaErrors(validator);
    const first = errors[0];
    throw new OctError(
      "request_invalid",
      first ? `${first.pointer || "the body"} ${first.message}` : "the body is invalid",
      { errors },
    );
  }
  return { value, text };
}

/**
 * Reads a request body that is a compact JWS of `mediaType` (`spec/oct.md`
 * §11.1): the media type checked, the octets decoded as UTF-8 with fatal
 * errors; the JWS itself is judged by the document's verification.
 */
export async function readJwsBody(c: Context<GatewayEnv>, mediaType: string): Promise<string> {
  checkJwsMediaType(c.req.header("content-type"), mediaType);
  try {
    return utf8.decode(await c.req.arrayBuffer());
  } catch {
    throw new OctError("request_invalid", "the body is not valid UTF-8");
  }
}
