/**
 * @module The documents gateways exchange (`spec/oct.md` §11.3): grant
 * requests, grants and usage reports, each a JWS with its own `typ`, built
 * here and signed with the gateway's receipt key.
 */
import type { GrantClaims, GrantRequestClaims, UsageClaims } from "../../generated/types.ts";
import type { PrivateJwk } from "../signing/keys.ts";
import { signGatewayJws } from "../receipt/sign.ts";
import { newFederationId } from "./ids.ts";

/** The `typ` of each kind of document (RFC 8725 §3.11 explicit typing). */
export const DOCUMENT_TYPES = {
  "grant-request": "oct-grant-request+jwt",
  grant: "oct-grant+jwt",
  usage: "oct-usage+jwt",
} as const;

export type DocumentKind = keyof typeof DOCUMENT_TYPES;

/** The claims set of each kind. */
export interface DocumentClaims {
  "grant-request": GrantRequestClaims;
  grant: GrantClaims;
  usage: UsageClaims;
}

/** Who signs a document and for whom, and when (ms since the epoch). */
export interface Envelope {
  from: string;
  to: string;
  now: number;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * The claims of a grant request. `jti` is the request id: a retry of a lost
 * answer passes the same one (spec §11.3.1), with a fresh `iat`.
 *
 * @example
 * grantRequestClaims({ from: visited, to: home, now }, tokenKey, { token, amount: "400", min_amount: "40", unit })
 */
export function grantRequestClaims(
  envelope: Envelope,
  ask: Omit<GrantRequestClaims["oct_grant_request"], "ver">,
  jti: string,
): GrantRequestClaims {
  return {
    iss: envelope.from,
    aud: envelope.to,
    iat: seconds(envelope.now),
    jti,
    oct_grant_request: { ver: "0.1", ...ask },
  };
}

/** The terms of a grant, as the home decided them (times in ms since the epoch). */
export interface GrantTerms {
  id: string;
  request: string;
  token: { iss: string; jti: string };
  amount: string;
  unit: string;
  faceValue: string;
  validUntil: number;
  reportBy: number;
}

/** The claims of a grant (spec §11.3.2): `exp` is `valid_until`. */
export function grantClaims(envelope: Envelope, terms: GrantTerms): GrantClaims {
  return {
    iss: envelope.from,
    aud: envelope.to,
    iat: seconds(envelope.now),
    jti: terms.id,
    exp: seconds(terms.validUntil),
    oct_grant: {
      ver: "0.1",
      request: terms.request,
      token: { iss: terms.token.iss, jti: terms.token.jti },
      amount: terms.amount,
      unit: terms.unit,
      face_value: terms.faceValue,
      report_by: seconds(terms.reportBy),
    },
  };
}

/** The claims of a usage report (spec §11.3.3), with a new report id. */
export function usageClaims(
  envelope: Envelope,
  usage: Omit<UsageClaims["oct_usage"], "ver">,
): UsageClaims {
  return {
    iss: envelope.from,
    aud: envelope.to,
    iat: seconds(envelope.now),
    jti: newFederationId("us"),
    oct_usage: { ver: "0.1", ...usage },
  };
}

/**
 * Signs a document's claims with a gateway key, `typ` fixed by its kind.
 *
 * @example
 * const jws = await signDocument("usage", usageClaims(envelope, usage), key);
 */
export function signDocument<K extends DocumentKind>(
  kind: K,
  claims: DocumentClaims[K],
  key: PrivateJwk,
): Promise<string> {
  return signGatewayJws(JSON.stringify(claims), key, DOCUMENT_TYPES[kind]);
}
