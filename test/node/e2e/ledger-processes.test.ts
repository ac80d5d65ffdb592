/**
 * The Node ledger across real processes sharing one SQLite file: no
 * over-spend under concurrency from two gateways (redemptions and
 * authorisations alike), idempotent replay after a restart, nothing lost or
 * double-counted after a SIGKILL between reserve and commit, lapsed
 * authorisations released by the periodic recovery (`spec/oct.md` §8.2,
 * §8.6, §8.8), and a party's client assertion accepted once across both
 * (§7.13 step 6).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  balanceAt as balance,
  carrierAToken as token,
  gatewayProcesses,
  H100,
  hookProvider,
  ledgerNetwork,
  postJson,
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

describe("authorisations across two gateway processes, one SQLite file", () => {
  it("100 concurrent authorisations against a token worth 30: exactly 30 succeed, the rest 402; captured by the other process, committed ends at the face value", async () => {
    const [one, two] = await Promise.all([gateway("authorize.db"), gateway("authorize.db")]);
    const t = await token("30");
    const body = {
      token: t,
      provider: "carrier-b-edge",
      amount: "1",
      unit: H100,
      capture: "manual",
    };
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => redeem((i % 2 ? one : two)!.url, body, `a-${i}`)),
    );
    const answers = await Promise.all(
      responses.map(async (r) => ({
        status: r.status,
        body: (await r.json()) as Record<string, any>,
      })),
    );
    const held = answers.filter((a) => a.status === 201);
    expect(held).toHaveLength(30);
    expect(
      answers.filter((a) => a.status === 402 && a.body.code === "insufficient_balance"),
    ).toHaveLength(70);
    expect(await balance(one!.url, t)).toMatchObject({
      committed: { amount: "0" },
      reserved: { amount: "30" },
      remaining: { amount: "0" },
    });
    // Each captured once through each process, all at once.
    const captures = await Promise.all(
      held.flatMap(({ body: a }) =>
        [one!, two!].map((g) =>
          postJson(`${g.url}/v1/redemptions/${a.id}/capture`, { amount: "1", unit: H100 }),
        ),
      ),
    );
    expect(captures.map((r) => r.status)).toEqual(captures.map(() => 200));
    expect(await balance(two!.url, t)).toMatchObject({
      committed: { amount: "30" },
      reserved: { amount: "0" },
      remaining: { amount: "0" },
    });
  });

  it("an authorisation left open is released by the periodic recovery once it lapses", async () => {
    const quickPath = network.variant("quick-authorizations.json", (quick) => {
      quick.limits = { authorization_ttl_seconds: 1 };
    });
    const g = await gateway("auth-lapse.db", quickPath);
    const t = await token("10");
    const created = await redeem(
      g.url,
      { token: t, provider: "carrier-b-edge", amount: "4", unit: H100, capture: "manual" },
      "left-open",
    );
    const { id } = (await created.json()) as { id: string };
    expect(await balance(g.url, t)).toMatchObject({ reserved: { amount: "4" } });
    const deadline = Date.now() + 5000;
    while (!/released 1 lapsed/.test(g.output()) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(g.output()).toContain("released 1 lapsed");
    expect(await (await fetch(`${g.url}/v1/redemptions/${id}`)).json()).toMatchObject({
      status: "expired",
      remaining: { amount: "10" },
    });
    const late = await postJson(`${g.url}/v1/redemptions/${id}/capture`, {
      amount: "4",
      unit: H100,
    });
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ code: "authorization_expired" });
    expect(await balance(g.url, t)).toMatchObject({
      committed: { amount: "0" },
      reserved: { amount: "0" },
      remaining: { amount: "10" },
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
