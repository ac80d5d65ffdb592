/**
 * @module What every case of a run shares: the client, the suite's keys and
 * test network, the runner's clock, the gateway's keys fetched once, and the
 * callback server when the run needs one.
 */
import type { JSONWebKeySet } from "jose";
import type { CallbackServer } from "./callback.ts";
import type { Client } from "./client.ts";
import { buildToken, type MintedToken, type RecipeContext } from "./token-recipe.ts";
import type { Exchange, TokenRecipe } from "./types.ts";

/** The parts of the suite's test network the runner reads. */
export interface TestNetwork {
  gateway: { id: string };
  carriers: { id: string; issuer: string; jwks?: { keys: Record<string, unknown>[] } }[];
  limits: { quote_ttl_seconds: number; [limit: string]: number };
  /** The gateways the runner plays (spec §11): it signs their documents with suite keys. */
  peers?: { id: string; url: string }[];
}

export interface RunContext {
  client: Client;
  recipe: Omit<RecipeContext, "now">;
  network: TestNetwork;
  /** The runner's clock, seconds since the epoch. */
  now(): number;
  /** The gateway's receipt keys and id, fetched once. */
  gateway(log: Exchange[]): Promise<{ id: string; jwks: JSONWebKeySet }>;
  /** The runner's server for key sets and webhooks, when the run's suites need it. */
  callback?: CallbackServer;
  /** Every token the run sent, so that no answer may echo one (spec §7.1). */
  sentTokens: Set<string>;
}

/** Mints a token of the suite from its recipe, at the runner's time, and remembers it. */
export function mint(recipe: TokenRecipe | undefined, ctx: RunContext): MintedToken {
  const minted = buildToken(recipe ?? {}, { ...ctx.recipe, now: ctx.now() });
  if (minted.token.length >= 16) ctx.sentTokens.add(minted.token);
  return minted;
}
