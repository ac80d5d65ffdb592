/**
 * @module Schema validation failures as located error details.
 */
import type { ErrorDetail } from "./errors.ts";

/** The errors a generated validator left, as JSON Pointers and messages. */
export function schemaErrors(validator: {
  errors?: { instancePath: string; message?: string }[] | null;
}): ErrorDetail[] {
  return (validator.errors ?? []).map((e) => ({
    pointer: e.instancePath,
    message: e.message ?? "is invalid",
  }));
}
