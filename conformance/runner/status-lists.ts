/**
 * @module The status-lists suite (`spec/oct.md` §2.8, §6.2 step 9, §6.5):
 * the runner publishes carrier A's status lists at the URL its entry in the
 * test network allows, on the loopback interface, signed afresh on every
 * request from the case's recipe and the changes its steps make, and checks
 * the gateway's verdicts as lists are revoked, suspended, reinstated, forged
 * or taken down. Its own path, not the gateway's code: bits packed here,
 * ZLIB from node:zlib, signatures from the suite's keys.
 *
 * The network's URL names a fixed port, so one runner at a time can serve
 * there: a runner waits for the port while another runner's status-lists
 * suite holds it, and lets it go when its own suite ends.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { deflateSync } from "node:zlib";
import type { RunContext } from "./context.ts";
import { CaseFailure, expectAnswer, type Expectation } from "./match.ts";
import { buildToken, signBytes } from "./token-recipe.ts";
import type { Case, Exchange, Step } from "./types.ts";

type ListRecipe = NonNullable<Case["input"]["lists"]>[string];

/** A published list: its recipe, the statuses steps set since, and whether it is down. */
interface Published {
  recipe: ListRecipe;
  statuses: Map<number, number>;
  down: boolean;
}

const PORT_WAIT_MS = 90_000;
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

class StatusListHost {
  readonly base: string;
  private readonly server: Server;
  private readonly lists = new Map<string, Published>();
  private keys: RunContext["recipe"]["keys"] = {};

  constructor(base: string) {
    this.base = base;
    this.server = createServer((request, response) => {
      const path = new URL(request.url ?? "/", base).pathname;
      const published = this.lists.get(path);
      if (!published) return response.writeHead(404).end();
      const { recipe } = published;
      if (published.down) return response.writeHead(503).end("down");
      if (recipe.answer) {
        const headers = recipe.answer.location ? { location: recipe.answer.location } : {};
        return response.writeHead(recipe.answer.status, headers).end();
      }
      response.writeHead(200, { "content-type": "application/statuslist+jwt" });
      response.end(this.sign(new URL(path, base).href, published));
    });
  }

  /** Listens at the base URL's port, waiting while another runner holds it. */
  async listen(): Promise<void> {
    const { hostname, port } = new URL(this.base);
    const deadline = Date.now() + PORT_WAIT_MS;
    for (;;) {
      try {
        await new Promise<void>((resolve, reject) => {
          this.server.once("error", reject);
          this.server.listen(Number(port), hostname, () => {
            this.server.off("error", reject);
            resolve();
          });
        });
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== "EADDRINUSE" || Date.now() > deadline)
          throw new Error(
            `cannot serve the status lists at ${this.base}: ${(error as Error).message}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  publish(path: string, recipe: ListRecipe, keys: RunContext["recipe"]["keys"]): void {
    this.keys = keys;
    const statuses = new Map(Object.entries(recipe.statuses ?? {}).map(([i, v]) => [+i, v]));
    this.lists.set(path, { recipe, statuses, down: false });
  }

  listOf(path: string): Published {
    const published = this.lists.get(path);
    if (!published) throw new Error(`the case publishes no list at ${path}`);
    return published;
  }

  forget(paths: readonly string[]): void {
    for (const path of paths) this.lists.delete(path);
  }

  /** The Status List Token of `url`, as the recipe and the steps so far make it. */
  private sign(url: string, { recipe, statuses }: Published): string {
    const key = this.keys[recipe.key ?? "carrier-a-eddsa"];
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
}

let host: StatusListHost | undefined;

async function hostAt(base: string): Promise<StatusListHost> {
  if (host?.base === base) return host;
  await releaseStatusListHost();
  const started = new StatusListHost(base);
  await started.listen();
  host = started;
  return host;
}

/** Lets the port go (after the suite, or the run): the next runner may serve there. */
export async function releaseStatusListHost(): Promise<void> {
  const closing = host;
  host = undefined;
  await closing?.close();
}

/** Runs one case of the status-lists suite. */
export async function statusListCase(c: Case, ctx: RunContext, log: Exchange[]): Promise<void> {
  const base = ctx.recipe.statusListBase;
  if (!base) throw new Error("the suite's network.json allows carrier A no status list URL");
  const served = await hostAt(base);
  // A path per case and run: the gateway may still hold a list of an earlier run.
  const run = randomUUID().slice(0, 8);
  const pathOf = (name: string) => new URL(`${base}${c.id}-${run}-${name}`).pathname;
  const paths = Object.keys(c.input.lists ?? {}).map(pathOf);
  for (const [name, recipe] of Object.entries(c.input.lists ?? {}))
    served.publish(pathOf(name), recipe, ctx.recipe.keys);
  const fill = <T>(value: T): T =>
    JSON.parse(
      JSON.stringify(value).replace(
        /\$\{list:([\w-]+)\}/g,
        (_, name: string) => new URL(pathOf(name), base).href,
      ),
    ) as T;
  try {
    const steps = c.input.steps ?? [];
    for (const [index, step] of steps.entries()) {
      try {
        await runStep(step, index === steps.length - 1 ? c : undefined, fill, pathOf, ctx, log);
      } catch (error) {
        if (error instanceof CaseFailure)
          throw new CaseFailure(`step ${index + 1} (${step.do}): ${error.message}`, error.received);
        throw error;
      }
    }
  } finally {
    served.forget(paths);
  }
}

async function runStep(
  step: Step,
  last: Case | undefined,
  fill: <T>(value: T) => T,
  pathOf: (name: string) => string,
  ctx: RunContext,
  log: Exchange[],
): Promise<void> {
  switch (step.do) {
    case "setStatus":
      host!.listOf(pathOf(step.list!)).statuses.set(step.idx!, step.status!);
      return;
    case "outage":
      host!.listOf(pathOf(step.list!)).down = step.down ?? true;
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
