/**
 * @module What a case makes the runner's callback server answer, from its
 * data (`$defs/served` of the vector schema): a key set built from the
 * suite's keys (public halves, members changed to make it bad), text or
 * octets, a status, a delay, a redirect, or an answer held back.
 */
import { decodeJwt } from "jose";
import type { Received, Scripted } from "./callback.ts";
import { buildToken, type SuiteKey } from "./token-recipe.ts";
import type { Served } from "./types.ts";

/** The members of a public JWK (spec §5.4, item 1). */
const PUBLIC_MEMBERS = ["kty", "crv", "x", "y", "n", "e", "kid", "alg", "use", "key_ops"];

function publicHalf(key: SuiteKey): Record<string, unknown> {
  return Object.fromEntries(
    PUBLIC_MEMBERS.filter((m) => key[m] !== undefined).map((m) => [m, key[m]]),
  );
}

type ServedKey = NonNullable<Served["jwks"]>[number];

function keyOf(spec: ServedKey, keys: Record<string, SuiteKey>): Record<string, unknown> {
  const name = typeof spec === "string" ? spec : spec.key;
  const key = keys[name];
  if (!key) throw new Error(`unknown suite key ${name}`);
  const jwk = publicHalf(key);
  if (typeof spec !== "string") {
    for (const [member, value] of Object.entries(spec.set ?? {})) {
      if (value === null) delete jwk[member];
      // A private member is taken from the suite's private key when the case asks for it by name.
      else jwk[member] = value === "${private}" ? key[member] : value;
    }
  }
  return jwk;
}

type GrantServed = NonNullable<Served["grant"]>;

/**
 * The answer of a token's home to a grant request (spec §11.5): 201 with a
 * grant of what the request asks (or `amount`), for the token it presents,
 * addressed to the gateway that signed the request. The request is read,
 * not verified: the runner plays a home that grants whatever it is asked.
 */
function grantFor(
  request: Received,
  served: GrantServed,
  keys: Record<string, SuiteKey>,
): Scripted {
  const asked = decodeJwt(request.body) as {
    iss: string;
    jti: string;
    oct_grant_request: { token: string; amount: string; unit: string };
  };
  const ask = asked.oct_grant_request;
  const token = decodeJwt(ask.token) as { iss: string; jti: string; oct: { amount: string } };
  const now = Math.floor(Date.now() / 1000);
  const exp = now + (served.seconds ?? 300);
  const grant = buildToken(
    {
      key: served.key,
      header: { typ: "oct-grant+jwt" },
      claims: {
        sub: null,
        nbf: null,
        oct: null,
        iss: served.home,
        aud: asked.iss,
        exp,
        oct_grant: {
          ver: "0.1",
          request: asked.jti,
          token: { iss: token.iss, jti: token.jti },
          amount: served.amount ?? ask.amount,
          unit: ask.unit,
          face_value: token.oct.amount,
          report_by: exp + 300,
        },
        ...served.claims,
      },
    },
    { keys, issuers: {}, now },
  ).token;
  return {
    status: 201,
    headers: { "content-type": "application/json" },
    body: new TextEncoder().encode(JSON.stringify({ grant })),
  };
}

/** The script of a callback path, from a case's description of it. */
export function scriptOf(served: Served, keys: Record<string, SuiteKey>, base: string): Scripted {
  const headers: Record<string, string> = {};
  let body: Uint8Array | undefined;
  if (served.jwks) {
    const list = served.jwks.map((k) => keyOf(k, keys));
    for (let i = 1; i < (served.copies ?? 1); i++)
      list.push({ ...list[0], kid: `${String(list[0]!.kid)}-${i}` });
    let text = JSON.stringify({ keys: list });
    // Spaces before the closing brace keep the set valid JSON at any length.
    if (served.padTo !== undefined && served.padTo > text.length)
      text = `${text.slice(0, -1)}${" ".repeat(served.padTo - text.length)}}`;
    body = new TextEncoder().encode(text);
    headers["content-type"] = "application/json";
  }
  if (served.text !== undefined) body = new TextEncoder().encode(served.text);
  if (served.base64 !== undefined) body = Buffer.from(served.base64, "base64");
  if (served.contentType !== undefined) headers["content-type"] = served.contentType;
  if (served.redirect !== undefined) headers.location = base + served.redirect;
  const grant = served.grant;
  return {
    ...(grant ? { respond: (request: Received) => grantFor(request, grant, keys) } : {}),
    status: served.status ?? (served.redirect !== undefined ? 302 : 200),
    headers,
    ...(body ? { body } : {}),
    ...(served.delayMs !== undefined ? { delayMs: served.delayMs } : {}),
    ...(served.hold ? { hold: true } : {}),
  };
}
