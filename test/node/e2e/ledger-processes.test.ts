/**
 * The Node ledger across real processes sharing one SQLite file: no
 * over-spend under concurrency from two gateways, idempotent replay after a
 * restart, and nothing lost or double-counted after a SIGKILL between
 * reserve and commit (`spec/oct.md` §8.2, §8.6).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PrivateJwk } from "../../../src/core/signing/keys.ts";
import { mintToken } from "../../../src/core/issuer/mint.ts";
import { ROOT, startNodeGateway, type Running } from "../../support/processes.ts";

const carrierA = JSON.parse(
  readFileSync(`${ROOT}config/demo/keys/carrier-a.private.jwk.json`, "utf8"),
) as PrivateJwk;
const H100 = "gpu-second:h100-sxm";

/** A provider webhook that answers, or hangs, as the test says. */
let provider: Server;
let providerUrl = "";
let answer: (res: ServerResponse) => void = (res) => res.end();
const delivered: string[] = [];

let dir: string;
let configPath: string;
const running: Running[] = [];

beforeAll(async () => {
  provider = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      delivered.push(body);
      answer(res);
    });
  });
  await new Promise<void>((resolve) => provider.listen(0, "127.0.0.1", resolve));
  providerUrl = `http://127.0.0.1:${(provider.address() as { port: number }).port}/redeem`;
  dir = mkdtempSync(join(tmpdir(), "oct-ledger-"));
  const config = JSON.parse(readFileSync(`${ROOT}config/demo/network.json`, "utf8"));
  config.providers.push({
    id: "hook-provider",
    adapter: "webhook",
    endpoint: providerUrl,
    timeout_ms: 20_000,
    units: ["pflop"],
  });
  config.tariffs.push({
    carrier: "carrier-a",
    from: H100,
    provider: "hook-provider",
    to: "pflop",
    rate: "1",
    valid_from: "2026-01-01T00:00:00Z",
  });
  config.limits = { reservation_ttl_seconds: 30 };
  configPath = join(dir, "network.json");
  writeFileSync(configPath, JSON.stringify(config));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop("SIGKILL")));
  answer = (res) => res.end();
});
afterAll(() => new Promise<void>((resolve) => provider.close(() => resolve())));

async function gateway(db: string, config = configPath): Promise<Running> {
  const g = await startNodeGateway({ OCT_CONFIG: config, OCT_DB: join(dir, db) });
  running.push(g);
  return g;
}

async function token(amount: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return mintToken(
    {
      iss: "https://tokens.carrier-a.example",
      sub: "acct-e2e",
      iat: now,
      exp: now + 3600,
      jti: `proc-${Math.random().toString(36).slice(2)}`,
      oct: { ver: "0.1", amount, unit: H100 },
    },
    carrierA,
  );
}

const redeem = (url: string, body: unknown, key: string) =>
  fetch(`${url}/v1/redemptions`, {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": key },
    body: JSON.stringify(body),
  });
const balance = async (url: string, t: string) =>
  (await (
    await fetch(`${url}/v1/balance`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: t }),
    })
  ).json()) as Record<string, { amount: string }>;

describe("two gateway processes, one SQLite file", () => {
  it("200 concurrent redemptions split across both: exactly 50 succeed, the balance ends at zero", async () => {
    const [one, two] = await Promise.all([gateway("shared.db"), gateway("shared.db")]);
    const t = await token("50");
    const body = { token: t, provider: "carrier-b-edge", amount: "1", unit: H100 };
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) => redeem((i % 2 ? one : two)!.url, body, `k-${i}`)),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(50);
    expect(statuses.filter((s) => s === 402)).toHaveLength(150);
    expect(await balance(one!.url, t)).toMatchObject({
      committed: { amount: "50" },
      reserved: { amount: "0" },
      remaining: { amount: "0" },
    });
    expect(await balance(two!.url, t)).toMatchObject({
      committed: { amount: "50" },
      remaining: { amount: "0" },
    });
  });
});

describe("restarts", () => {
  it("replays a committed redemption after a restart, and still refuses a conflicting body", async () => {
    const first = await gateway("restart.db");
    const t = await token("10");
    const body = { token: t, provider: "carrier-b-edge", amount: "4", unit: H100 };
    const created = (await (await redeem(first.url, body, "once")).json()) as { id: string };
    await first.stop("SIGTERM");
    const second = await gateway("restart.db");
    const replay = await redeem(second.url, body, "once");
    expect(replay.status).toBe(201);
    expect(((await replay.json()) as { id: string }).id).toBe(created.id);
    expect((await redeem(second.url, { ...body, amount: "5" }, "once")).status).toBe(409);
    expect(await balance(second.url, t)).toMatchObject({ committed: { amount: "4" } });
  });

  it("a SIGKILL between reserve and commit loses nothing: the retry resumes and commits exactly once", async () => {
    const first = await gateway("crash.db");
    const t = await token("10");
    const body = { token: t, provider: "hook-provider", amount: "3", unit: "pflop" };
    // The provider holds the request: the gateway has reserved and waits.
    let arrived!: () => void;
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    answer = () => arrived();
    const inFlight = redeem(first.url, body, "crash-key").catch(() => undefined);
    await reached;
    expect(await balance(first.url, t)).toMatchObject({
      reserved: { amount: "3" },
      committed: { amount: "0" },
    });
    await first.stop("SIGKILL");
    await inFlight;

    answer = (res) => res.end();
    const second = await gateway("crash.db");
    // still reserved: the debit is held, not lost
    expect(await balance(second.url, t)).toMatchObject({
      reserved: { amount: "3" },
      remaining: { amount: "7" },
    });
    const retry = await redeem(second.url, body, "crash-key");
    expect(retry.status).toBe(201);
    const again = await redeem(second.url, body, "crash-key");
    expect(again.status).toBe(201);
    expect(await balance(second.url, t)).toMatchObject({
      committed: { amount: "3" },
      reserved: { amount: "0" },
      remaining: { amount: "7" },
    });
    // the provider saw the same receipt on the resumed call as on the first
    expect(new Set(delivered.slice(-2)).size).toBe(1);
  });

  it("a SIGKILL with no retry: recovery releases the reservation once it lapses, and its key answers reservation_expired", async () => {
    const quick = JSON.parse(readFileSync(configPath, "utf8"));
    quick.limits = { reservation_ttl_seconds: 1 };
    quick.providers.find((p: { id: string }) => p.id === "hook-provider").timeout_ms = 900;
    const quickPath = join(dir, "quick.json");
    writeFileSync(quickPath, JSON.stringify(quick));
    const first = await gateway("lapse.db", quickPath);
    const t = await token("10");
    const body = { token: t, provider: "hook-provider", amount: "3", unit: "pflop" };
    let arrived!: () => void;
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    answer = () => arrived();
    const inFlight = redeem(first.url, body, "lapse-key").catch(() => undefined);
    await reached;
    await first.stop("SIGKILL");
    await inFlight;
    await new Promise((r) => setTimeout(r, 1100));
    answer = (res) => res.end();
    const second = await gateway("lapse.db", quickPath);
    expect(second.output()).toContain("released 1 lapsed reservation");
    expect(await balance(second.url, t)).toMatchObject({
      reserved: { amount: "0" },
      committed: { amount: "0" },
      remaining: { amount: "10" },
    });
    const retry = await redeem(second.url, body, "lapse-key");
    expect(retry.status).toBe(409);
    expect(await retry.json()).toMatchObject({ code: "reservation_expired" });
  });
});
