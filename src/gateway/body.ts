/**
 * @module Reading a JSON request body: `application/json` only, strict JSON
 * (no duplicate members), an object, and valid against the request's schema,
 * or a `request_invalid` problem naming each failing JSON Pointer.
 */
import type { Context } from "hono";
import { OctError } from "../core/errors.ts";
import { parseStrictJson, StrictJsonError } from "../core/json/strict-json.ts";
import { schemaErrors } from "../core/validation.ts";
import type { Validator } from "../generated/validators.js";
import type { GatewayEnv } from "./env.ts";

export interface JsonBody<T> {
  value: T;
  /** The body exactly as received, for idempotency fingerprints. */
  text: string;
}

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
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new OctError("unsupported_media_type", "send the request body as application/json");
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type)?.[1];
  if (charset !== undefined && charset.toLowerCase() !== "utf-8") {
    throw new OctError("unsupported_media_type", `the body must be UTF-8, not ${charset}`);
  }
  const text = await c.req.text();
  let value: unknown;
  try {
    value = parseStrictJson(text);
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
