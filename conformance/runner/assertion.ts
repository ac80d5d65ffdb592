/**
 * @module Client assertions (spec §7.13) as the runner makes them: with a
 * suite key, for the gateway's id, fresh, then changed as a case's recipe
 * says, so that each way an assertion can be wrong reaches the gateway.
 * Imports nothing of `src/`: the runner judges any implementation.
 */
import { CompactSign, importJWK, type JWK } from "jose";
import type { RunContext } from "./context.ts";
import type { SuiteKey } from "./token-recipe.ts";
import type { Exchange } from "./types.ts";

export interface AssertionRecipe {
  party: string;
  key: string;
  kid?: string;
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  replay?: boolean;
}

const encoder = new TextEncoder();
let serial = 0;

/** Members set over `base`; a null member removes it. */
function over(base: Record<string, unknown>, changes: Record<string, unknown> = {}) {
  const result: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) delete result[name];
    else result[name] = value;
  }
  return result;
}

/**
 * The `Authorization` field of the recipe's assertion, made at `now`
 * (seconds) for the gateway `gatewayId`.
 */
export async function assertionHeaders(
  recipe: AssertionRecipe,
  keys: Record<string, SuiteKey>,
  gatewayId: string,
  now: number,
): Promise<Record<string, string>> {
  const key = keys[recipe.key];
  if (!key) throw new Error(`no suite key ${recipe.key}`);
  // Relative times: a number in iat or exp is seconds from now.
  const claims = over(
    {
      iss: recipe.party,
      sub: recipe.party,
      aud: gatewayId,
      iat: now,
      exp: now + 60,
      jti: `conformance-${Date.now().toString(36)}-${++serial}-${Math.random().toString(36).slice(2)}`,
    },
    Object.fromEntries(
      Object.entries(recipe.claims ?? {}).map(([name, value]) => [
        name,
        (name === "iat" || name === "exp") && typeof value === "number" ? now + value : value,
      ]),
    ),
  );
  const header = over(
    { alg: key.alg, typ: "oct-client+jwt", kid: recipe.kid ?? key.kid },
    recipe.header,
  );
  const jws = await new CompactSign(encoder.encode(JSON.stringify(claims)))
    .setProtectedHeader(header as { alg: string })
    .sign(await importJWK(key as JWK, key.alg));
  return { authorization: `Bearer ${jws}` };
}

/** The suite's operator (test network): who reads the books when a case names nobody. */
export const SUITE_OPERATOR: AssertionRecipe = {
  party: "operator:conformance",
  key: "operator-eddsa",
};

/** A party's credentials (spec §7.13) for the gateway under test, made now. */
export async function partyHeaders(
  recipe: AssertionRecipe,
  ctx: RunContext,
  log: Exchange[],
): Promise<Record<string, string>> {
  const { id } = await ctx.gateway(log);
  return assertionHeaders(recipe, ctx.recipe.keys, id, ctx.now());
}
