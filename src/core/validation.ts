/**
 * @module Schema validation failures as located error details.
 */
import type { ErrorDetail } from "./errors.ts";

/** RFC 6901: `~` and `/` in a member name are escaped in a JSON Pointer. */
const escapePointer = (name: string) => name.replace(/~/g, "~0").replace(/\//g, "~1");

/**
 * The errors a generated validator left, as JSON Pointers and messages. A
 * member that is missing or not allowed is named by its own pointer, not by
 * its object's (`spec/oct.md` §7.1): `/token`, `/extra`.
 */
export function schemaErrors(validator: {
  errors?: { instancePath: string; message?: string; params?: unknown }[] | null;
}): ErrorDetail[] {
  return (validator.errors ?? []).map((e) => {
    const params = (e.params ?? {}) as { missingProperty?: unknown; additionalProperty?: unknown };
    const member = params.missingProperty ?? params.additionalProperty;
    return {
      pointer:
        typeof member === "string" ? `${e.instancePath}/${escapePointer(member)}` : e.instancePath,
      message: e.message ?? "is invalid",
    };
  });
}
