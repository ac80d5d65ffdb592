/**
 * @module Holder keys and DPoP proofs (`spec/oct.md` §2.6, §6.6), made by the
 * runner itself with node:crypto, as a holder's client would: the suite
 * generates its holder keys at each run (holders are not configured in the
 * test network; a token names one as `holder`, which sets `cnf.jkt`), and a
 * step's `proof` recipe makes a proof for that step's request, right or wrong
 * in exactly one way.
 */
import { createHash, generateKeyPairSync, randomUUID } from "node:crypto";
import { signBytes, type SuiteKey } from "./sign.ts";
import type { ProofRecipe } from "./types.ts";

const b64u = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64url");

/** The suite's holder keys, fresh for this run: `holder-a` (EdDSA), `holder-b` (ES256). */
export function holderKeys(): Record<string, SuiteKey> {
  const ed = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({
    format: "jwk",
  });
  return {
    "holder-a": { ...ed, kty: "OKP", kid: "holder-a", alg: "EdDSA" },
    "holder-b": { ...ec, kty: "EC", kid: "holder-b", alg: "ES256" },
  };
}

/** The public members of a key, those RFC 7638 hashes, in their order. */
function publicMembers(key: SuiteKey): Record<string, unknown> {
  const names =
    key.kty === "EC"
      ? ["crv", "kty", "x", "y"]
      : key.kty === "OKP"
        ? ["crv", "kty", "x"]
        : ["e", "kty", "n"];
  return Object.fromEntries(names.map((name) => [name, key[name]]));
}

/** The RFC 7638 SHA-256 thumbprint of a key: what `cnf.jkt` names. */
export function thumbprintOf(key: SuiteKey): string {
  return b64u(
    createHash("sha256")
      .update(JSON.stringify(publicMembers(key)))
      .digest(),
  );
}

export interface ProofContext {
  holders: Record<string, SuiteKey>;
  /** The token the request carries. */
  token: string;
  /** The request's method and the gateway's URL of it (`gateway.id` and the path). */
  method: string;
  url: string;
  /** The URL the runner dialled for the request. */
  dialled: string;
  /** The runner's clock, seconds. */
  now: number;
  /** Proofs made by earlier steps of the case, by `save` name. */
  saved: Map<string, string>;
}

/** The `DPoP` field a recipe describes. */
export function buildProof(recipe: ProofRecipe, context: ProofContext): string {
  if (recipe.reuse !== undefined) {
    const earlier = context.saved.get(recipe.reuse);
    if (earlier === undefined) throw new Error(`no proof saved as ${recipe.reuse}`);
    return earlier;
  }
  const key = context.holders[recipe.key ?? "holder-a"];
  if (!key) throw new Error(`unknown holder key ${recipe.key}`);
  const jwk = recipe.privateJwk
    ? Object.fromEntries(Object.entries(key).filter(([name]) => name !== "kid" && name !== "alg"))
    : publicMembers(key);
  const header = { typ: recipe.typ ?? "dpop+jwt", alg: key.alg, jwk, ...recipe.header };
  const claims: Record<string, unknown> = {
    jti: `proof-${randomUUID()}`,
    htm: recipe.htm ?? context.method,
    htu: recipe.dialled
      ? context.dialled
      : recipe.path !== undefined
        ? new URL(recipe.path, context.url).href
        : context.url,
    iat: context.now + (recipe.iat ?? 0),
    ath: b64u(
      createHash("sha256")
        .update(recipe.athOf ?? context.token, "ascii")
        .digest(),
    ),
  };
  for (const name of recipe.omit ?? []) delete claims[name];
  const signed = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;
  const signature = signBytes(Buffer.from(signed, "ascii"), key);
  if (recipe.corruptSignature) signature[0] = signature[0]! ^ 0x01;
  const proof = `${signed}.${b64u(signature)}`;
  if (recipe.save !== undefined) context.saved.set(recipe.save, proof);
  return proof;
}
