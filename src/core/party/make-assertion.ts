/**
 * @module Making a client assertion (`spec/oct.md` §7.13), what a carrier,
 * a provider or an operator does before each request for its books: for the
 * `oct` command and any client that imports the package.
 */
import { importJWK, SignJWT } from "jose";
import type { PrivateJwk } from "../signing/keys.ts";
import { CLIENT_ASSERTION_TYPE } from "./assertion.ts";

export interface AssertionRequest {
  /** The party reference: `carrier:<id>`, `provider:<id>` or `operator:<id>`. */
  party: string;
  /** The gateway's id, as `GET /.well-known/oct-gateway` names it (`gateway`). */
  gateway: string;
  /** A private key of the party's entry, with `kid` and `alg`. */
  key: PrivateJwk;
  /** Seconds since the epoch; default now. */
  now?: number;
  /** Seconds, at most 300; default 60. */
  lifetimeSeconds?: number;
}

/**
 * A fresh assertion (a new random `jti`), to send once as
 * `Authorization: Bearer <assertion>`.
 *
 * @example
 * const assertion = await makeClientAssertion({ party: "carrier:carrier-a", gateway: "https://gw.example", key });
 * await fetch(`${url}/v1/settlements?from=...&to=...`, { headers: { authorization: `Bearer ${assertion}` } });
 */
export async function makeClientAssertion(request: AssertionRequest): Promise<string> {
  const { party, gateway, key } = request;
  const iat = request.now ?? Math.floor(Date.now() / 1000);
  const jti = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
  return new SignJWT({})
    .setProtectedHeader({ alg: key.alg, typ: CLIENT_ASSERTION_TYPE, kid: key.kid })
    .setIssuer(party)
    .setSubject(party)
    .setAudience(gateway)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (request.lifetimeSeconds ?? 60))
    .setJti(jti)
    .sign(await importJWK(key, key.alg));
}
