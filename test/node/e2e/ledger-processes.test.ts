/**
 * The Node ledger across real processes sharing one SQLite file: no
 * over-spend under concurrency from two gateways, idempotent replay after a
 * restart, nothing lost or double-counted after a SIGKILL between reserve
 * and commit (`spec/oct.md` §8.2, §8.6), and a party's client assertion
 * accepted once across both (§7.13 step 6).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  balanceAt as balance,
  carrierAToken as token,
  gatewayProcesses,
  H100,
  hookProvider,
  ledgerNetwork,
  redeemAt as redeem,
  type HookProvider,
} from "../../support/ledger-processes.ts";
import { asDemoParty } from "../../support/demo-party.ts";

let provider: HookProvider;
let network: ReturnType<typeof ledgerNetwork>;
let processes: ReturnType<typeof gatewayProcesses>;

beforeAll(async () => {
  provider = await hookProvider();
  network = ledgerNetwork(provider.url, { reservation_ttl_seconds: 30 });
  processes = gatewayProcesses(network.dir, network.configPath);
});
afterEach(async () => {
  await processes.stopAll();
  provider.answer = (res) => res.end();
});
afterAll(() => provider.close());

const gateway = (db: string, config?: string) => processes.start(db, config);

describe("two gateway processes, one SQLite file", () => {
  it("a client assertion accepted by one is refused as replayed by the other", async () => {
    const [one, two] = await Promise.all([gateway("parties.db"), gateway("parties.db")]);
    const headers = await asDemoParty();
    expect((await fetch(`${one.url}/v1/redemptions`, { headers })).status).toBe(200);
    const replayed = await fetch(`${two.url}/v1/redemptions`, { headers });
    expect(replayed.status).toBe(401);
    expect(((await replayed.json()) as { code: string }).code).toBe("client_assertion_replayed");
    // A fresh one is good at either.
    expect((await fetch(`${two.url}/metrics`, { headers: await asDemoParty() })).status).toBe(200);
  });

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
    const reached = provider.hold();
    const inFlight = redeem(first.url, body, "crash-key").catch(() => undefined);
    await reached;
    expect(await balance(first.url, t)).toMatchObject({
      reserved: { amount: "3" },
      committed: { amount: "0" },
    });
    await first.stop("SIGKILL");
    await inFlight;

    provider.answer = (res) => res.end();
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
    expect(new Set(provider.delivered.slice(-2)).size).toBe(1);
  });

  it("a SIGKILL with no retry: recovery releases the reservation once it lapses, and its key answers reservation_expired", async () => {
    const quickPath = network.variant("quick.json", (quick) => {
      quick.limits = { reservation_ttl_seconds: 1 };
      quick.providers.find((p: { id: string }) => p.id === "hook-provider").timeout_ms = 900;
    });
    const first = await gateway("lapse.db", quickPath);
    const t = await token("10");
    const body = { token: t, provider: "hook-provider", amount: "3", unit: "pflop" };
    const reached = provider.hold();
    const inFlight = redeem(first.url, body, "lapse-key").catch(() => undefined);
    await reached;
    await first.stop("SIGKILL");
    await inFlight;
    await new Promise((r) => setTimeout(r, 1100));
    provider.answer = (res) => res.end();
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
