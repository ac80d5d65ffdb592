/**
 * @module The error taxonomy of OCT: one class, stable codes from the
 * registry of `spec/oct.md` §12, each with its HTTP status. Every refusal in
 * the core is an {@link OctError}; the HTTP layer turns it into RFC 9457
 * problem details without a switch.
 */

/** Every error code of `spec/oct.md` §12, with its HTTP status. */
export const ERROR_STATUS = {
  token_malformed: 401,
  alg_not_allowed: 401,
  header_invalid: 401,
  issuer_untrusted: 401,
  key_unknown: 401,
  signature_invalid: 401,
  token_expired: 401,
  token_not_yet_valid: 401,
  claims_invalid: 401,
  carrier_suspended: 403,
  unit_unknown: 422,
  no_tariff: 422,
  provider_unknown: 422,
  constraint_violated: 403,
  insufficient_balance: 402,
  holder_proof_invalid: 401,
  idempotency_key_required: 400,
  idempotency_conflict: 409,
  reservation_expired: 409,
  quote_expired: 409,
  quote_invalid: 422,
  too_many_quotes: 429,
  provider_unavailable: 502,
  keys_unavailable: 503,
  ledger_busy: 503,
  home_unknown: 403,
  home_unavailable: 503,
  peer_unknown: 401,
  peer_signature_invalid: 401,
  document_invalid: 400,
  grant_forbidden: 403,
  grant_lapsed: 409,
  usage_conflict: 409,
  usage_invalid: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  header_fields_too_large: 431,
  request_timeout: 408,
  request_invalid: 400,
  not_found: 404,
  method_not_allowed: 405,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Short human titles for problem details (RFC 9457 `title`). */
export const ERROR_TITLE: Record<ErrorCode, string> = {
  token_malformed: "The token is not a well-formed OCT JWS",
  alg_not_allowed: "The signature algorithm is not allowed",
  header_invalid: "The JOSE header breaks the OCT profile",
  issuer_untrusted: "The token's issuer is not a trusted carrier",
  key_unknown: "No key of the carrier has this kid",
  signature_invalid: "The signature does not verify",
  token_expired: "The token has expired",
  token_not_yet_valid: "The token is not valid yet",
  claims_invalid: "The token's claims are invalid",
  carrier_suspended: "The token's carrier is suspended",
  unit_unknown: "The unit is not in the registry",
  no_tariff: "No tariff is in force for this redemption",
  provider_unknown: "The provider is not part of this network",
  constraint_violated: "The redemption breaks one of the token's constraints",
  insufficient_balance: "The token's remaining balance is too small",
  holder_proof_invalid: "The proof of possession of the holder key is missing or invalid",
  idempotency_key_required: "An Idempotency-Key header is required",
  idempotency_conflict: "The Idempotency-Key was used with a different request",
  reservation_expired: "The reservation expired before it was committed",
  quote_expired: "The quote has expired",
  quote_invalid: "The quote does not match this redemption",
  too_many_quotes: "The token holds too many unexpired quotes",
  provider_unavailable: "The provider did not accept the redemption",
  keys_unavailable: "The carrier's keys cannot be obtained",
  ledger_busy: "The ledger is busy; try again shortly",
  home_unknown: "The token's home is not a gateway this gateway may federate with for its carrier",
  home_unavailable: "The token's home cannot grant more now; try again shortly",
  peer_unknown: "The document is not signed by a configured peer gateway",
  peer_signature_invalid: "The document is not a valid JWS of the peer gateway",
  document_invalid: "The document's claims are invalid or not meant for this gateway",
  grant_forbidden: "The grant was issued to another gateway",
  grant_lapsed: "The grant lapsed and counts as fully used; only its final report is accepted",
  usage_conflict: "The usage report conflicts with the reports already applied",
  usage_invalid: "The usage report's amount is outside the grant",
  payload_too_large: "The request body is too large",
  unsupported_media_type: "The request body must be application/json",
  header_fields_too_large: "The request's header section is too large",
  request_timeout: "The request was not received in time",
  request_invalid: "The request is invalid",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  internal_error: "Internal error",
};

/** One located problem in a request body or claim set. */
export interface ErrorDetail {
  /** JSON Pointer (RFC 6901) into the offending document. */
  pointer: string;
  message: string;
}

export interface OctErrorOptions {
  /** Overrides the registry status where the spec allows two (502/503). */
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
    this.status = options.status ?? ERROR_STATUS[code];
    this.errors = options.errors;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** RFC 9457 problem details for this error. */
  toProblem(extra: { instance?: string; request_id?: string } = {}): Problem {
    return {
      type: `urn:oct:error:${this.code}`,
      title: ERROR_TITLE[this.code],
      status: this.status,
      detail: this.message,
      code: this.code,
      ...(this.errors ? { errors: this.errors } : {}),
      ...extra,
    };
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: ErrorCode;
  request_id?: string;
  errors?: ErrorDetail[];
}

export function isOctError(value: unknown): value is OctError {
  return value instanceof OctError;
}
