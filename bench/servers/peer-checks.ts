/**
 * @module What the peers check, from the same fixtures as the gateway: the
 * key and issuer of one carrier, its one algorithm, `typ`, the time claims
 * with the gateway's 60 s of clock skew, and the claims OCT requires.
 */
import { createPublicKey, type KeyObject } from "node:crypto";
import { publicJwkOf } from "../../src/core/signing/keys.ts";
import { issuerOf, readFixtures, TOKEN_TYPE, type BenchAlgorithm } from "../fixtures.ts";

export interface PeerPolicy {
  alg: BenchAlgorithm;
  key: KeyObject;
  issuer: string;
  typ: string;
  clockSkewSeconds: number;
  requiredClaims: string[];
}

/** One policy per algorithm the peer serves, by `alg`. */
export function peerPolicies(
  dir: string,
  algs: readonly BenchAlgorithm[],
): Map<string, PeerPolicy> {
  const fixtures = readFixtures(dir);
  return new Map(
    algs.map((alg) => [
      alg,
      {
        alg,
        key: createPublicKey({ key: publicJwkOf(fixtures.keys[alg]) as never, format: "jwk" }),
        issuer: issuerOf(alg),
        typ: TOKEN_TYPE,
        clockSkewSeconds: 60,
        requiredClaims: ["iss", "sub", "iat", "exp", "jti", "oct"],
      },
    ]),
  );
}

/** The `alg` a peer routes on: `/v1/verify/ES256`. */
export const PEER_ROUTE = "/v1/verify/:alg";
/** The same with the peer's verified-token cache on (fast-jwt only). */
export const CACHED_PEER_ROUTE = "/v1/verify-cached/:alg";
