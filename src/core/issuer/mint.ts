/**
 * @module Minting an OCT token (`spec/oct.md` §2): what a carrier's issuing
 * system does, here for tests, the demo and the `oct mint` command.
 */
import { CompactSign, importJWK } from "jose";
import { TOKEN_TYPE } from "../token/header.ts";
import type { PrivateJwk } from "../signing/keys.ts";

export interface MintClaims {
  iss: string;
  sub: string;
  jti: string;
  iat: number;
  exp: number;
  nbf?: number;
  aud?: string | string[];
  oct: {
    ver: "0.1";
    amount: string;
    unit: string;
    /** The gateway id of the token's home (spec §11.2). */
    home?: string;
    redeem?: {
      providers?: string[];
      regions?: string[];
      workloads?: string[];
      max_per_redemption?: string;
    };
  };
  cnf?: { jkt: string };
  [claim: string]: unknown;
}

const encoder = new TextEncoder();

/**
 * Signs a claim set as an OCT token with the carrier's private key.
 *
 * @example
 * const token = await mintToken(claims, privateJwk);
 */
export async function mintToken(claims: MintClaims, key: PrivateJwk): Promise<string> {
  const signingKey = await importJWK(key, key.alg);
  return new CompactSign(encoder.encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: key.alg, typ: TOKEN_TYPE, kid: key.kid })
    .sign(signingKey);
}
