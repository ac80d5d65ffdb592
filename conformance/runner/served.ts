/**
 * @module What a case makes the runner's callback server answer, from its
 * data (`$defs/served` of the vector schema): a key set built from the
 * suite's keys (public halves, members changed to make it bad), text or
 * octets, a status, a delay, a redirect, or an answer held back.
 */
import type { Scripted } from "./callback.ts";
import type { SuiteKey } from "./token-recipe.ts";
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
  return {
    status: served.status ?? (served.redirect !== undefined ? 302 : 200),
    headers,
    ...(body ? { body } : {}),
    ...(served.delayMs !== undefined ? { delayMs: served.delayMs } : {}),
    ...(served.hold ? { hold: true } : {}),
  };
}
