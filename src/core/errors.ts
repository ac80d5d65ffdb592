/**
 * @module The error taxonomy of OCT: one class, stable codes from the
 * registry of `spec/oct.md` §12 (generated from its table into
 * `src/generated/errors.ts`: status, title, the steps that raise it). Every
 * refusal in the core is an {@link OctError}; the HTTP layer turns it into
 * RFC 9457 problem details without a switch.
 */
import { ERROR_REGISTRY, type ErrorCode } from "../generated/errors.ts";
import type { Problem } from "../generated/types.ts";

export { ERROR_REGISTRY, type ErrorCode };

/** One located problem in a request body or claim set. */
export interface ErrorDetail {
  /** JSON Pointer (RFC 6901) into the offending document. */
  pointer: string;
  message: string;
}

export interface OctErrorOptions {
  /** Another of the statuses the registry allows for the code (502 or 503). */
  status?: number;
  errors?: ErrorDetail[];
  cause?: unknown;
  /** Seconds after which the same request may succeed: the `Retry-After` of a 429 or 503 (spec §7.1). */
  retryAfterSeconds?: number;
}

/**
 * An OCT refusal. Tests and callers look at `code`, never at the class.
 *
 * @example
 * throw new OctError("token_expired", "exp 1795000000 is in the past");
 */
export class OctError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors: ErrorDetail[] | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, detail: string, options: OctErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "OctError";
    this.code = code;
    this.status = options.status ?? ERROR_REGISTRY[code].statuses[0]!;
    this.errors = options.errors;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** RFC 9457 problem details for this error. */
  toProblem(extra: { instance?: string; request_id?: string } = {}): Problem {
    return {
      type: `urn:oct:error:${this.code}`,
      title: ERROR_REGISTRY[this.code].title,
      status: this.status,
      detail: this.message,
      code: this.code,
      ...(this.errors ? { errors: this.errors } : {}),
      ...extra,
    };
  }
}

export type { Problem };

export function isOctError(value: unknown): value is OctError {
  return value instanceof OctError;
}
