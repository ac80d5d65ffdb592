/**
 * @module Tokens described as data (`conformance/schema/vectors.schema.json`,
 * `$defs/token`): the runner mints each one at run time from the suite's
 * keys, so times are fresh and every case gets its own `jti`. Byte-level
 * recipes (raw header or payload text, mutations) produce what no JOSE
 * library would: duplicate members, padding, non-canonical encodings.
 */
import { constants, createPrivateKey, randomUUID, sign, type KeyObject } from "node:crypto";
import type { Mutation, TokenRecipe } from "./types.ts";

export interface SuiteKey {
  kty: string;
  kid: string;
  alg: string;
  [member: string]: unknown;
}

export interface RecipeContext {
  keys: Record<string, SuiteKey>;
  /** carrier id -> issuer, from the suite's network. */
  issuers: Record<string, string>;
  /** Where carrier A's status lists are published (its first `status_lists` entry). */
  statusListBase?: string;
  /** Seconds since the epoch, the runner's clock. */
  now: number;
}

const b64u = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64url");
const privateKeys = new Map<SuiteKey, KeyObject>();

function privateKeyOf(jwk: SuiteKey): KeyObject {
  let key = privateKeys.get(jwk);
  if (!key) privateKeys.set(jwk, (key = createPrivateKey({ key: jwk as never, format: "jwk" })));
  return key;
}

/** A JWS signature (RFC 7518 §3) with node:crypto. */
export function signBytes(data: Buffer, jwk: SuiteKey): Buffer {
  const key = privateKeyOf(jwk);
  switch (jwk.alg) {
    case "EdDSA":
      return sign(null, data, key);
    case "ES256":
      return sign("sha256", data, { key, dsaEncoding: "ieee-p1363" });
    case "ES384":
      return sign("sha384", data, { key, dsaEncoding: "ieee-p1363" });
    case "PS256":
      return sign("sha256", data, {
        key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 32,
      });
    case "RS256":
      return sign("sha256", data, { key, padding: constants.RSA_PKCS1_PADDING });
    default:
      throw new Error(`the suite cannot sign with ${jwk.alg}`);
  }
}

/** Replaces `${now}`, `${now+N}`, `${now-N}`, `${jti}`, `${iss}`, `${kid}`, `${alg}` in text. */
function substitute(
  text: string,
  values: { now: number; jti: string; iss: string; kid: string; alg: string },
): string {
  return text.replace(/\$\{(now(?:[+-]\d+)?|jti|iss|kid|alg)\}/g, (_, name: string) => {
    if (name.startsWith("now")) return String(values.now + Number(name.slice(3) || "0"));
    return values[name as "jti" | "iss" | "kid" | "alg"];
  });
}

/** Templated values: a string that is exactly "${now+N}" becomes a number. */
function resolve(value: unknown, values: Parameters<typeof substitute>[1]): unknown {
  if (typeof value === "string") {
    const replaced = substitute(value, values);
    return /^\$\{now([+-]\d+)?\}$/.test(value) ? Number(replaced) : replaced;
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, values));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, values)]));
  }
  return value;
}

/** Merges `overrides` into `base`; a member set to null is removed. */
function merge(
  base: Record<string, unknown>,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

function carrierOfKey(keyName: string): string {
  return /^(carrier-[a-z])-/.exec(keyName)?.[1] ?? "carrier-a";
}

export interface MintedToken {
  token: string;
  claims: Record<string, unknown> | undefined;
}

/** Builds the token a recipe describes. */
export function buildToken(recipe: TokenRecipe, context: RecipeContext): MintedToken {
  if (recipe.padTo !== undefined) return padded(recipe, recipe.padTo, context);
  if (recipe.compact !== undefined) return { token: recipe.compact, claims: undefined };
  if (recipe.repeat)
    return { token: recipe.repeat.text.repeat(recipe.repeat.count), claims: undefined };
  const keyName = recipe.key ?? "carrier-a-eddsa";
  const key = context.keys[keyName];
  if (!key) throw new Error(`unknown suite key ${keyName}`);
  const values = {
    now: context.now,
    jti: `conformance-${randomUUID()}`,
    iss: context.issuers[recipe.carrier ?? carrierOfKey(keyName)] ?? "",
    kid: key.kid,
    alg: key.alg,
  };
  const header = merge({ alg: key.alg, typ: "oct+jwt", kid: key.kid }, recipe.header);
  const claims = resolve(
    merge(
      {
        iss: values.iss,
        sub: "conformance-subject",
        aud: "urn:oct:redeem",
        iat: "${now}",
        nbf: "${now}",
        exp: "${now+3600}",
        jti: values.jti,
        oct: { ver: "0.1", amount: "1000", unit: "gpu-second:h100-sxm" },
      },
      recipe.claims,
    ),
    values,
  ) as Record<string, unknown>;
  const headerSegment = b64u(
    recipe.headerText !== undefined
      ? substitute(recipe.headerText, values)
      : JSON.stringify(header),
  );
  const payloadText =
    recipe.claimsText !== undefined
      ? substitute(recipe.claimsText, values)
      : JSON.stringify(claims);
  const payloadSegment = b64u(payloadText);
  const signer = recipe.signWith ? context.keys[recipe.signWith] : key;
  if (!signer) throw new Error(`unknown suite key ${recipe.signWith}`);
  const signature = signBytes(
    Buffer.from(`${headerSegment}.${payloadSegment}`, "ascii"),
    recipe.signAlg ? { ...signer, alg: recipe.signAlg } : signer,
  );
  let token = `${headerSegment}.${payloadSegment}.${b64u(signature)}`;
  for (const mutation of recipe.mutate ?? []) token = mutate(token, mutation, values);
  return { token, claims: recipe.claimsText === undefined ? claims : undefined };
}

/**
 * The token of `recipe` padded to exactly `bytes`: a `padding` claim grows
 * until the compact form, mutations applied, has that length. Some lengths
 * cannot be reached (no unpadded base64url segment has a length of 1 modulo
 * 4); then the recipe is wrong, and says so.
 */
function padded(recipe: TokenRecipe, bytes: number, context: RecipeContext): MintedToken {
  const { padTo: _padTo, ...rest } = recipe;
  let padding = 0;
  for (let attempt = 0; attempt < 16; attempt++) {
    const minted = buildToken(
      { ...rest, claims: { ...rest.claims, padding: "x".repeat(padding) } },
      context,
    );
    const missing = bytes - Buffer.byteLength(minted.token);
    if (missing === 0) return minted;
    // Three bytes of claims make four characters of base64url.
    padding +=
      missing > 0
        ? Math.max(1, Math.floor((missing * 3) / 4))
        : Math.min(-1, Math.ceil((missing * 3) / 4));
    if (padding < 0) break;
  }
  throw new Error(`no padding makes this token exactly ${bytes} bytes long`);
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function mutate(token: string, m: Mutation, values: Parameters<typeof substitute>[1]): string {
  const parts = token.split(".");
  const at = m.segment ?? 2;
  switch (m.op) {
    case "append":
      return token + (m.text ?? "");
    case "prepend":
      return (m.text ?? "") + token;
    case "segment-append":
      parts[at] += m.text ?? "";
      return parts.join(".");
    case "segment-replace":
      parts[at] = m.text ?? "";
      return parts.join(".");
    case "set-unused-bits": {
      // The last character of a segment whose length is not a multiple of 4
      // carries unused bits; setting one keeps the bytes, breaks canonicity.
      const segment = parts[at]!;
      const last = segment[segment.length - 1]!;
      parts[at] = segment.slice(0, -1) + ALPHABET[ALPHABET.indexOf(last) | 1];
      return parts.join(".");
    }
    case "standard-alphabet":
      return token.replace(/-/g, "+").replace(/_/g, "/");
    case "drop-segment":
      parts.splice(at, 1);
      return parts.join(".");
    case "corrupt-signature": {
      const bytes = Buffer.from(parts[2]!, "base64url");
      bytes[0] = bytes[0]! ^ 0x01;
      parts[2] = b64u(bytes);
      return parts.join(".");
    }
    case "truncate-signature": {
      const bytes = Buffer.from(parts[2]!, "base64url");
      parts[2] = b64u(bytes.subarray(0, m.bytes ?? bytes.length - 1));
      return parts.join(".");
    }
    case "swap-payload": {
      const current = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as Record<
        string,
        unknown
      >;
      parts[1] = b64u(JSON.stringify(resolve(merge(current, m.claims), values)));
      return parts.join(".");
    }
  }
}
