/**
 * @module `npm run demo:federation`: one token, two gateways run by two
 * carriers (`spec/oct.md` §11). It starts carrier A's gateway, the home of
 * A's tokens, and carrier B's gateway, each `npm start` on its own port and
 * its own ledger, each knowing the other as a peer (the demo network's
 * carriers, providers and tariffs, fresh gateway keys). Carrier A mints a
 * token homed at its gateway; B's gateway redeems it against a signed grant
 * from A, whose ledger keeps the balance; B reports what it used, and the
 * two gateways' signed grant reports are reconciled.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { settlementReconcile } from "../src/cli/commands/reconcile.ts";
import { GatewayClient } from "../src/cli/client.ts";
import type { Output } from "../src/cli/command.ts";
import type { Redemption } from "../src/cli/commands/gateway.ts";
import type { Quantity } from "../src/cli/signed.ts";
import { mintToken } from "../src/core/issuer/mint.ts";
import { generateSigningKey, publicJwks, type PrivateJwk } from "../src/core/signing/keys.ts";
import { freePort } from "./lib/free-port.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const DEMO_NETWORK = new URL("../config/demo/network.json", import.meta.url);
const CARRIER_A_KEY = new URL("../config/demo/keys/carrier-a.private.jwk.json", import.meta.url);
const ISSUER_A = "https://tokens.carrier-a.example";
const PROVIDER = "carrier-b-edge";
const TOKEN_UNIT = "gpu-second:h100-sxm";
const PROVIDER_UNIT = "gpu-second:a100-sxm";
/** B closes a grant nothing drew on for this long, and reports it: short, for the demo. */
const IDLE_RELEASE_SECONDS = 2;

const USAGE = `npm run demo:federation

Starts two gateways on free loopback ports (carrier A's, the home of A's
tokens, and carrier B's), walks a token of carrier A through B's gateway,
and stops them. Nothing else needs to run.`;

class StoryError extends Error {
  override name = "StoryError";
}

const q = (x: Quantity) => `${x.amount} ${x.unit}`;

interface Gateway {
  name: string;
  id: string;
  url: string;
  process?: ChildProcess;
}

/** The demo network for one gateway: its id and fresh keys, the other as its peer, A's tokens homed at A. */
function networkFor(
  self: Gateway,
  key: PrivateJwk,
  peer: Gateway,
  peerKey: PrivateJwk,
  home: string,
) {
  const demo = JSON.parse(readFileSync(DEMO_NETWORK, "utf8")) as {
    carriers: { id: string }[];
  } & Record<string, unknown>;
  return {
    ...demo,
    gateway: { id: self.id, receipt_keys: { keys: [key] } },
    carriers: demo.carriers.map((c) => (c.id === "carrier-a" ? { ...c, homes: [home] } : c)),
    peers: [{ id: peer.id, url: peer.url, jwks: publicJwks([peerKey]) }],
    federation: { idle_release_seconds: IDLE_RELEASE_SECONDS },
  };
}

async function start(gateway: Gateway, dir: string, config: object): Promise<void> {
  const configPath = join(dir, `${gateway.name}.json`);
  writeFileSync(configPath, JSON.stringify(config));
  const child = spawn(
    process.execPath,
    ["--disable-warning=ExperimentalWarning", "scripts/start.js"],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: new URL(gateway.url).port,
        OCT_CONFIG: configPath,
        OCT_DB: join(dir, `${gateway.name}.db`),
      },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  gateway.process = child;
  let errors = "";
  child.stderr?.on("data", (d) => (errors += d));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new StoryError(`${gateway.name} did not start:\n${errors}`);
    try {
      if ((await fetch(`${gateway.url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new StoryError(`${gateway.name} did not start in 20 s:\n${errors}`);
}

function stop(gateway: Gateway): Promise<void> {
  const child = gateway.process;
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

interface BalanceAnswer {
  home?: string;
  face_value: Quantity;
  committed: Quantity;
  reserved: Quantity;
  remaining: Quantity;
}

/**
 * Runs the story; resolves to the exit status.
 *
 * @example
 * process.exitCode = await main([], console);
 */
export async function main(argv: string[], out: Output): Promise<number> {
  try {
    if (parseArgs({ args: argv, options: { help: { type: "boolean", short: "h" } } }).values.help) {
      out.print(USAGE);
      return 0;
    }
  } catch (error) {
    out.error(`demo:federation: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), "oct-demo-federation-"));
  const [portA, portB] = [await freePort(), await freePort()];
  const a: Gateway = {
    name: "A",
    id: `http://127.0.0.1:${portA}`,
    url: `http://127.0.0.1:${portA}`,
  };
  const b: Gateway = {
    name: "B",
    id: `http://127.0.0.1:${portB}`,
    url: `http://127.0.0.1:${portB}`,
  };
  let n = 0;
  const step = (title: string) => out.print(`\n${++n}. ${title}`);
  const say = (text: string) => out.print(`   ${text}`);
  try {
    step("Two gateways, run by two carriers, each with its own ledger");
    const [keyA, keyB] = [await generateSigningKey("ES256"), await generateSigningKey("ES256")];
    await Promise.all([
      start(a, dir, networkFor(a, keyA, b, keyB, a.id)),
      start(b, dir, networkFor(b, keyB, a, keyA, a.id)),
    ]);
    say(`carrier A's gateway ${a.id}: the home of carrier A's tokens (carrier-a "homes")`);
    say(`carrier B's gateway ${b.id}: a peer of A, A's keys in its configuration, and back`);
    const atA = new GatewayClient(a.url);
    const atB = new GatewayClient(b.url);

    step("Carrier A mints a token of 1000 GPU-seconds whose balance lives at A's gateway");
    const key = JSON.parse(readFileSync(CARRIER_A_KEY, "utf8")) as PrivateJwk;
    const now = Math.floor(Date.now() / 1000);
    const token = await mintToken(
      {
        iss: ISSUER_A,
        sub: "acct-demo",
        aud: "urn:oct:redeem",
        iat: now,
        nbf: now,
        exp: now + 3600,
        jti: `demo-${crypto.randomUUID()}`,
        oct: { ver: "0.1", amount: "1000", unit: TOKEN_UNIT, home: a.id },
      },
      key,
    );
    say(`oct.home = ${a.id}, signed by carrier A: no gateway or holder can move it`);

    const redeem = async (credit: string) =>
      (
        await atB.call<Redemption>("POST", "/v1/redemptions", {
          json: { token, provider: PROVIDER, amount: credit, unit: PROVIDER_UNIT },
          headers: { "idempotency-key": `demo-${crypto.randomUUID()}` },
        })
      ).body;
    const balanceAt = async (client: GatewayClient) =>
      (await client.call<BalanceAnswer>("POST", "/v1/balance", { json: { token } })).body;

    step(`At carrier B's gateway: redeem 100 ${PROVIDER_UNIT} at ${PROVIDER}`);
    const first = await redeem("100");
    say(`${first.status}: debited ${q(first.debited)}, credited ${q(first.credited)}`);
    say("B asked A for a grant first: a signed oct-grant+jwt, held at A before it was signed");
    const grants = await atA.call<{ grants: { id: string; visited: string; amount: Quantity }[] }>(
      "GET",
      `/v1/grants?from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&peer=${encodeURIComponent(b.id)}`,
    );
    const grant = grants.body.grants[0];
    if (!grant) throw new StoryError("A issued no grant to B");
    say(
      `grant ${grant.id.slice(0, 20)}...: ${q(grant.amount)} to ${grant.visited} (10 debits ahead)`,
    );

    step("Two more redemptions at B: served from the grant, without a round trip to A");
    for (let i = 0; i < 2; i++) {
      const r = await redeem("100");
      say(`${r.status}: debited ${q(r.debited)}, receipt signed by B`);
    }
    const again = await atA.call<{ grants: unknown[] }>(
      "GET",
      `/v1/grants?from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&peer=${encodeURIComponent(b.id)}`,
    );
    say(`A has issued ${again.body.grants.length} grant to B so far`);

    step("Where the balance lives (POST /v1/balance at each)");
    const viewB = await balanceAt(atB);
    say(
      `at B: home ${viewB.home}; B committed ${viewB.committed.amount}, can still redeem ${q(viewB.remaining)} from its grant`,
    );
    const viewA = await balanceAt(atA);
    say(
      `at A: the token's balance: committed ${viewA.committed.amount}, held for B's grant ${viewA.reserved.amount}, remaining ${q(viewA.remaining)}`,
    );

    step(`B falls idle: after ${IDLE_RELEASE_SECONDS} s it closes the grant and reports its use`);
    const deadline = Date.now() + 20_000;
    let settled = viewA;
    while (Date.now() < deadline) {
      settled = await balanceAt(atA);
      if (settled.reserved.amount === "0") break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    if (settled.reserved.amount !== "0")
      throw new StoryError("B's final usage report did not reach A in 20 s");
    say("B's final oct-usage+jwt: what it used, signed; A committed that and returned the rest");
    say(`at A: committed ${settled.committed.amount}, held 0, remaining ${q(settled.remaining)}`);

    step("The two carriers reconcile: oct settlement reconcile over both signed grant reports");
    const period = "from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z";
    const lines: string[] = [];
    const status = await settlementReconcile.run(
      { report: [`${a.url}/v1/grants?${period}`, `${b.url}/v1/grants?${period}`] },
      { print: (text) => lines.push(text), error: (text) => lines.push(text) },
    );
    for (const line of lines.join("\n").split("\n")) say(line);
    if (status !== 0 && status !== undefined) throw new StoryError("the reports disagree");

    out.print(
      `\nDone: carrier A's token redeemed at carrier B's gateway, its balance kept at A's, exactly once.`,
    );
    return 0;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    out.error(
      `\ndemo:federation: step ${n} failed: ${typeof code === "string" ? `${code}: ` : ""}${(error as Error).message}`,
    );
    return 1;
  } finally {
    await Promise.all([stop(a), stop(b)]);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2), {
    print: (text) => process.stdout.write(text + "\n"),
    error: (text) => process.stderr.write(text + "\n"),
  });
}
