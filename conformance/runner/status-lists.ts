/**
 * @module The status-lists suite (`spec/oct.md` §2.8, §6.2 step 9, §6.5):
 * the runner publishes carrier A's status lists on its callback server, at
 * the URL carrier A's entry in the test network allows (moved with the
 * callback, as key sets and webhooks are), signed afresh on every request
 * from the case's recipe and the changes its steps make, and checks the
 * gateway's verdicts as lists are revoked, suspended, reinstated, forged or
 * taken down. Its own path, not the gateway's code: bits packed here, ZLIB
 * from node:zlib, signatures from the suite's keys.
 */
import { randomUUID } from "node:crypto";
import { deflateSync } from "node:zlib";
import type { CallbackServer, Scripted } from "./callback.ts";
import type { RunContext } from "./context.ts";
import { atCallback, NETWORK_CALLBACK } from "./load.ts";
import { CaseFailure, expectAnswer, type Expectation } from "./match.ts";
import { buildToken, signBytes } from "./token-recipe.ts";
import type { Case, Exchange, Step } from "./types.ts";

type ListRecipe = NonNullable<Case["input"]["lists"]>[string];
type Keys = RunContext["recipe"]["keys"];

/** A published list: its URL, its recipe, the statuses steps set since, and whether it is down. */
interface Published {
  url: string;
  recipe: ListRecipe;
  statuses: Map<number, number>;
  down: boolean;
}

const b64u = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64url");

/** The packed byte array of a list (Token Status List §4.1): least significant bits first. */
function bytesOf(recipe: ListRecipe, statuses: Map<number, number>): Buffer {
  const bits = recipe.bits ?? 2;
  const bytes = Buffer.alloc(Math.ceil(((recipe.size ?? 64) * bits) / 8));
  for (const [index, value] of statuses) {
    const bit = index * bits;
    bytes[Math.floor(bit / 8)]! |= value << (bit % 8);
  }
  return bytes;
}

/** What the list's URL answers now: down, the recipe's own answer, or the list signed afresh. */
function answerOf(published: Published, keys: Keys): Scripted {
  const { recipe } = published;
  if (published.down) return { status: 503, body: new TextEncoder().encode("down") };
  if (recipe.answer)
    return {
      status: recipe.answer.status,
      headers: recipe.answer.location ? { location: recipe.answer.location } : {},
    };
  return {
    status: 200,
    headers: { "content-type": "application/statuslist+jwt" },
    body: new TextEncoder().encode(signedList(published, keys)),
  };
}

/** The Status List Token of a published list, as the recipe and the steps so far make it. */
function signedList({ url, recipe, statuses }: Published, keys: Keys): string {
  const key = keys[recipe.key ?? "carrier-a-eddsa"];
  if (!key) throw new Error(`unknown suite key ${recipe.key}`);
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: key.alg, typ: recipe.typ ?? "statuslist+jwt", kid: key.kid };
  const claims = {
    sub: recipe.sub ?? url,
    iat: (recipe.exp ?? 3600) < 0 ? now + recipe.exp! - 3600 : now,
    exp: now + (recipe.exp ?? 3600),
    ...(recipe.ttl !== undefined ? { ttl: recipe.ttl } : {}),
    status_list: {
      bits: recipe.bits ?? 2,
      lst: b64u(deflateSync(bytesOf(recipe, statuses), { level: 9 })),
    },
  };
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;
  return `${input}.${b64u(signBytes(Buffer.from(input, "ascii"), key))}`;
}

/** Where the gateway fetches carrier A's lists: the network's URL, moved to the callback server. */
function listBase(ctx: RunContext, callback: CallbackServer): string {
  const base = ctx.recipe.statusListBase;
  if (!base) throw new Error("the suite's network.json allows carrier A no status list URL");
  if (!base.startsWith(`${NETWORK_CALLBACK}/`))
    throw new Error(`carrier A's status lists (${base}) are not on the callback server`);
  return atCallback(base, callback.base);
}

/** Runs one case of the status-lists suite. */
export async function statusListCase(c: Case, ctx: RunContext, log: Exchange[]): Promise<void> {
  const callback = ctx.callback;
  if (!callback) throw new Error("the status-lists suite needs the runner's callback server");
  const base = listBase(ctx, callback);
  // A path per case and run: the gateway may still hold a list of an earlier run.
  const run = randomUUID().slice(0, 8);
  const urlOf = (name: string) => `${base}${c.id}-${run}-${name}`;
  // The URLs a case writes (another list's sub, a redirect) are moved with the callback too.
  const moved = <T>(value: T): T =>
    JSON.parse(atCallback(JSON.stringify(value), callback.base)) as T;
  const published = new Map<string, Published>();
  for (const [name, recipe] of Object.entries(moved(c.input.lists ?? {}))) {
    const list: Published = { url: urlOf(name), recipe, statuses: new Map(), down: false };
    for (const [index, value] of Object.entries(recipe.statuses ?? {}))
      list.statuses.set(+index, value);
    published.set(name, list);
    callback.serve(new URL(list.url).pathname, {
      respond: () => answerOf(list, ctx.recipe.keys),
    });
  }
  const listOf = (name: string) => {
    const list = published.get(name);
    if (!list) throw new Error(`the case publishes no list ${name}`);
    return list;
  };
  // Moved before the lists' URLs go in, which are at the callback already.
  const fill = <T>(value: T): T =>
    JSON.parse(
      JSON.stringify(moved(value)).replace(/\$\{list:([\w-]+)\}/g, (_, name: string) =>
        urlOf(name),
      ),
    ) as T;
  try {
    const steps = c.input.steps ?? [];
    for (const [index, step] of steps.entries()) {
      try {
        await runStep(step, index === steps.length - 1 ? c : undefined, fill, listOf, ctx, log);
      } catch (error) {
        if (error instanceof CaseFailure)
          throw new CaseFailure(`step ${index + 1} (${step.do}): ${error.message}`, error.received);
        throw error;
      }
    }
  } finally {
    for (const list of published.values()) callback.unserve(new URL(list.url).pathname);
  }
}

async function runStep(
  step: Step,
  last: Case | undefined,
  fill: <T>(value: T) => T,
  listOf: (name: string) => Published,
  ctx: RunContext,
  log: Exchange[],
): Promise<void> {
  switch (step.do) {
    case "setStatus":
      listOf(step.list!).statuses.set(step.idx!, step.status!);
      return;
    case "outage":
      listOf(step.list!).down = step.down ?? true;
      return;
    case "wait":
      await new Promise((resolve) => setTimeout(resolve, (step.seconds ?? 1) * 1000));
      return;
    case "verify": {
      const { token } = buildToken(fill(step.token ?? {}), { ...ctx.recipe, now: ctx.now() });
      const answer = await ctx.client.postJson(log, "/v1/verify", { token });
      // The last step's expectation is the case's own.
      return expectVerdict(answer, (step.expect ?? last?.expected ?? {}) as Verdict);
    }
    default:
      throw new Error(`the status-lists suite has no step ${step.do}`);
  }
}

type Verdict = Expectation & { valid?: boolean; error?: string };

function expectVerdict(
  answer: Awaited<ReturnType<RunContext["client"]["send"]>>,
  expected: Verdict,
) {
  if (expected.valid === undefined) return expectAnswer(answer, expected);
  const body = answer.json as { valid?: unknown; error?: unknown } | undefined;
  const received = { status: answer.status, body: answer.json ?? answer.text };
  if (answer.status !== 200)
    throw new CaseFailure(`expected HTTP 200 with a verdict, got ${answer.status}`, received);
  if (expected.valid && body?.valid !== true)
    throw new CaseFailure(`a valid token was refused (${String(body?.error)})`, received);
  if (!expected.valid && (body?.valid !== false || body.error !== expected.error))
    throw new CaseFailure(
      `expected a refusal with ${expected.error}, got ${body?.valid ? "an acceptance" : String(body?.error)}`,
      received,
    );
}
