/**
 * @module Verifying a document from a peer gateway (`spec/oct.md` §11.4):
 * form and closed header, a configured signer, its key from configuration,
 * the signature, then the claims (schema, audience, freshness).
 *
 * jose verifies the signature and the registered claims (`aud`, `iss`, the
 * `iat` window, `exp`). The compact form, the strict JSON and the header
 * are checked first with the token parser, because jose is more lenient
 * than OCT: it accepts non-canonical base64url and duplicate JSON members,
 * and it compares `typ` case-insensitively with an optional `application/`
 * prefix, where §11.4 (like RFC 8725 §3.11 read strictly) wants the exact value.
 */
import { errors as joseErrors, jwtVerify, compactVerify, type JWTVerifyOptions } from "jose";
import {
  validateGrantClaims,
  validateGrantRequestClaims,
  validateUsageClaims,
} from "../../generated/validators.js";
import type { Validator } from "../../generated/validators.js";
import { parseAmount } from "../amount/decimal.ts";
import { OctError } from "../errors.ts";
import { importVerificationKey } from "../keys/import.ts";
import { keyFitsAlgorithm, type PublicJwk } from "../keys/jwk.ts";
import type { Network } from "../network/config.ts";
import type { Peer } from "../network/peers.ts";
import { isSignedHeader, type Algorithm } from "../token/header.ts";
import { decodeJsonObject, parseCompact } from "../token/parse.ts";
import { schemaErrors } from "../validation.ts";
import type { Clock } from "../../ports/clock.ts";
import type { KeySource } from "../../ports/keys.ts";
import { DOCUMENT_TYPES, type DocumentClaims, type DocumentKind } from "./documents.ts";

const VALIDATORS: { [K in DocumentKind]: Validator<DocumentClaims[K]> } = {
  "grant-request": validateGrantRequestClaims,
  grant: validateGrantClaims,
  usage: validateUsageClaims,
};

export interface DocumentContext {
  /** This gateway's id: every document must be addressed to it. */
  gatewayId: string;
  peerById(id: string): Peer | undefined;
  keys: KeySource;
  /** ms since the epoch. */
  now: number;
  clockSkewSeconds: number;
  /** The largest document accepted, in octets (`body_max_bytes`). */
  maxBytes: number;
}

/**
 * How this gateway verifies documents now, documents of at most `maxBytes`:
 * a request body (`body_max_bytes`) at the home, a peer's answer
 * (`peer_max_bytes`) at a visited gateway.
 */
export function documentContextOf(
  gateway: { network: Network; keys: KeySource; clock: Clock },
  maxBytes: number,
): DocumentContext {
  return {
    gatewayId: gateway.network.gatewayId,
    peerById: gateway.network.peerById,
    keys: gateway.keys,
    now: gateway.clock.now(),
    clockSkewSeconds: gateway.network.limits.clock_skew_seconds,
    maxBytes,
  };
}

export interface VerifiedDocument<K extends DocumentKind> {
  claims: DocumentClaims[K];
  peer: Peer;
  kid: string;
}

/**
 * Verifies a document of the expected kind, as it arrives (§11.4, every step).
 *
 * @example
 * const { claims, peer } = await verifyDocument(body, "usage", context);
 */
export async function verifyDocument<K extends DocumentKind>(
  jws: unknown,
  kind: K,
  context: DocumentContext,
): Promise<VerifiedDocument<K>> {
  return verify(jws, kind, context, true);
}

/**
 * Verifies a stored document as evidence, later: every step but the
 * audience and the clock (§11.4 step 5: "a grant verified later, as
 * evidence, is not checked against the time").
 */
export async function verifyDocumentEvidence<K extends DocumentKind>(
  jws: unknown,
  kind: K,
  context: Omit<DocumentContext, "now" | "clockSkewSeconds" | "gatewayId">,
): Promise<VerifiedDocument<K>> {
  return verify(jws, kind, { ...context, gatewayId: "", now: 0, clockSkewSeconds: 0 }, false);
}

async function verify<K extends DocumentKind>(
  jws: unknown,
  kind: K,
  context: DocumentContext,
  asReceived: boolean,
): Promise<VerifiedDocument<K>> {
  const typ = DOCUMENT_TYPES[kind];
  // Step 1: form and closed header.
  const { alg, kid, payload } = readSignedJws(jws, typ, context.maxBytes);

  // Step 2: a configured signer, by exact id.
  const peer = typeof payload.iss === "string" ? context.peerById(payload.iss) : undefined;
  if (!peer) {
    throw new OctError("peer_unknown", `the ${typ} is not signed by a configured peer gateway`);
  }

  // Step 3: the key, from the peer's configured key sets only (keys_unavailable propagates).
  const jwk = await context.keys.keyFor(peer, kid);
  if (!jwk) {
    throw new OctError("peer_signature_invalid", `peer ${peer.id} has no key ${kid}`);
  }
  const key = await importFittingKey(jwk, alg, peer.id);

  // Steps 4 and 5 (registered claims): jose, the algorithm fixed by the header we checked.
  let claims: Record<string, unknown>;
  try {
    if (asReceived) {
      const options: JWTVerifyOptions = {
        algorithms: [alg],
        typ,
        issuer: peer.id,
        audience: context.gatewayId,
        requiredClaims: ["iss", "aud", "iat", "jti"],
        currentDate: new Date(context.now),
        clockTolerance: context.clockSkewSeconds,
        // With clockTolerance s: now - s <= iat <= now + s for a request document
        // (§11.4 step 5). A grant is answered again to a retried request, so
        // it may be older than the skew: its exp bounds it (jose checks exp).
        ...(kind === "grant" ? {} : { maxTokenAge: 0 }),
      };
      claims = (await jwtVerify(jws as string, key, options)).payload;
    } else {
      await compactVerify(jws as string, key, { algorithms: [alg] });
      claims = payload;
    }
  } catch (error) {
    throw fromJose(error, typ);
  }

  // Step 5: the kind's schema and the rules it cannot state.
  const validate = VALIDATORS[kind];
  if (!validate(claims)) {
    const first = schemaErrors(validate)[0];
    throw new OctError(
      "document_invalid",
      `the ${typ}'s claim ${first?.pointer || "(root)"} ${first?.message ?? "is invalid"}`,
      { errors: schemaErrors(validate) },
    );
  }
  checkCrossClaims(kind, claims as DocumentClaims[K]);
  // A grant is never from the future (jose checks iat only with maxTokenAge).
  if (
    asReceived &&
    kind === "grant" &&
    (claims.iat as number) > context.now / 1000 + context.clockSkewSeconds
  ) {
    throw new OctError("document_invalid", `the ${typ}'s iat is later than now`);
  }
  return { claims: claims as DocumentClaims[K], peer, kid };
}

/**
 * Step 1 for any gateway-signed JWS: canonical compact form, strict JSON
 * header and payload, header exactly { alg, typ, kid } with the expected
 * `typ`. Anything else is `peer_signature_invalid`. The payload is not
 * trusted yet: it only says who claims to have signed.
 */
export function readSignedJws(
  jws: unknown,
  typ: string,
  maxBytes: number,
): { alg: Algorithm; kid: string; payload: Record<string, unknown> } {
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    const parsed = parseCompact(jws, { maxBytes });
    header = parsed.header;
    payload = decodeJsonObject(parsed.payloadBytes, "payload");
  } catch (error) {
    if (error instanceof OctError)
      throw new OctError("peer_signature_invalid", `the ${typ}: ${error.message}`);
    throw error;
  }
  if (!isSignedHeader(header, typ)) {
    throw new OctError(
      "peer_signature_invalid",
      `the header must be exactly { alg, typ: "${typ}", kid } with an allowed alg`,
    );
  }
  return { alg: header.alg, kid: header.kid, payload };
}

/**
 * A signer's key, imported for `alg` once it is known to fit it (its `alg`,
 * if any, equal; its type and curve right for the algorithm, spec §5.4).
 */
export async function importFittingKey(
  jwk: PublicJwk,
  alg: Algorithm,
  signer: string,
): Promise<CryptoKey> {
  if ((jwk.alg !== undefined && jwk.alg !== alg) || !keyFitsAlgorithm(jwk, alg)) {
    throw new OctError("peer_signature_invalid", `key ${jwk.kid} of ${signer} is not a ${alg} key`);
  }
  try {
    return await importVerificationKey(jwk, alg);
  } catch (error) {
    throw new OctError("peer_signature_invalid", `key ${jwk.kid} of ${signer} cannot be used`, {
      cause: error,
    });
  }
}

/** jose's failures in OCT's words: the signature is the peer's fault, the claims the document's. */
function fromJose(error: unknown, typ: string): OctError {
  if (
    error instanceof joseErrors.JWTClaimValidationFailed ||
    error instanceof joseErrors.JWTExpired
  ) {
    return new OctError("document_invalid", `the ${typ}'s ${error.claim}: ${error.message}`);
  }
  if (error instanceof joseErrors.JWTInvalid) {
    return new OctError("document_invalid", `the ${typ}'s claims: ${error.message}`);
  }
  return new OctError("peer_signature_invalid", `the ${typ}'s signature does not verify`, {
    cause: error,
  });
}

/** Rules between claims that a schema cannot express. */
function checkCrossClaims<K extends DocumentKind>(kind: K, claims: DocumentClaims[K]): void {
  if (kind === "grant") {
    const grant = claims as DocumentClaims["grant"];
    if (grant.oct_grant.report_by <= grant.exp) {
      throw new OctError("document_invalid", "the grant's report_by is not later than its exp");
    }
  }
  if (kind === "grant-request") {
    const ask = (claims as DocumentClaims["grant-request"]).oct_grant_request;
    if (parseAmount(ask.min_amount)! > parseAmount(ask.amount)!) {
      throw new OctError("document_invalid", "the grant request's min_amount exceeds its amount");
    }
  }
}
