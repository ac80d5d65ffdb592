/**
 * @module Step 3 of `spec/oct.md` §6: the closed JOSE header profile of an
 * OCT token (`spec/oct.md` §2.2), and the same closed header for the other
 * JWS that OCT parties sign (receipts §9.4, reports §10.3, documents §11.4).
 */
import { OctError } from "../errors.ts";

/** Algorithms any OCT token may use; a carrier narrows the list. */
export const ALLOWED_ALGORITHMS = ["EdDSA", "ES256", "ES384", "PS256", "RS256"] as const;
export type Algorithm = (typeof ALLOWED_ALGORITHMS)[number];

export const TOKEN_TYPE = "oct+jwt";

export interface TokenHeader {
  alg: Algorithm;
  typ: typeof TOKEN_TYPE;
  kid: string;
}

// Members that would let the token choose its own key, change what is
// signed, or nest another token (RFC 8725 §3.1, §3.11; RFC 7797; RFC 7515 §4.1.11).
const REFUSED_MEMBERS = [
  "crit",
  "b64",
  "jku",
  "x5u",
  "x5c",
  "x5t",
  "x5t#S256",
  "jwk",
  "cty",
  "zip",
];
const KID = /^[\x21-\x7e]{1,128}$/;

export function isAllowedAlgorithm(value: unknown): value is Algorithm {
  return (ALLOWED_ALGORITHMS as readonly unknown[]).includes(value);
}

/** A `kid` as §2.2 allows it: 1 to 128 printable ASCII characters, no space. */
export function isWellFormedKid(value: unknown): value is string {
  return typeof value === "string" && KID.test(value);
}

/** The closed header of a signed JWS of a given `typ`. */
export interface SignedHeader {
  alg: Algorithm;
  typ: string;
  kid: string;
}

/**
 * Whether `header` is exactly `{ alg, typ, kid }`, `typ` equal to `typ`, `alg`
 * allowed and `kid` well formed: the header of a receipt, a report signature
 * or a document between gateways. Each caller refuses with its own code.
 *
 * @example
 * if (!isSignedHeader(header, "oct-grant+jwt")) throw new OctError("peer_signature_invalid", "...");
 */
export function isSignedHeader(
  header: Record<string, unknown>,
  typ: string,
): header is Record<string, unknown> & SignedHeader {
  return (
    Object.keys(header).sort().join(",") === "alg,kid,typ" &&
    header.typ === typ &&
    isAllowedAlgorithm(header.alg) &&
    isWellFormedKid(header.kid)
  );
}

/**
 * Checks a decoded header against the profile.
 *
 * @example
 * checkHeader({ alg: "EdDSA", typ: "oct+jwt", kid: "k1" })
 */
export function checkHeader(header: Record<string, unknown>): TokenHeader {
  const { alg, kid } = header;
  if (alg === undefined) throw new OctError("header_invalid", "the header has no alg");
  // RFC 8725 §3.1: the algorithm comes from an allow-list, never from the token alone.
  if (!isAllowedAlgorithm(alg)) {
    throw new OctError("alg_not_allowed", `alg ${JSON.stringify(alg)} is not allowed`);
  }
  checkMembers(header);
  return { alg, typ: TOKEN_TYPE, kid: kid as string };
}

/** Step 3.2: exactly `alg`, `typ` `oct+jwt` and a printable `kid`. */
function checkMembers(header: Record<string, unknown>): void {
  const { typ, kid } = header;
  for (const member of REFUSED_MEMBERS) {
    if (member in header)
      throw new OctError("header_invalid", `the header member "${member}" is refused`);
  }
  if (typ !== TOKEN_TYPE) {
    throw new OctError("header_invalid", `typ must be "${TOKEN_TYPE}", not ${JSON.stringify(typ)}`);
  }
  if (!isWellFormedKid(kid)) {
    throw new OctError("header_invalid", "kid must be 1 to 128 printable ASCII characters");
  }
  for (const member of Object.keys(header)) {
    if (member !== "alg" && member !== "typ" && member !== "kid") {
      throw new OctError(
        "header_invalid",
        `the header member "${member}" is not part of the profile`,
      );
    }
  }
}
