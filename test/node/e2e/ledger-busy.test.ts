/**
 * A busy ledger (`spec/oct.md` §8.1, §12 `ledger_busy`): another process
 * holds the SQLite file's write lock for longer than the gateway waits for
 * it. Requests that need no write answer at once; writes are refused with a
 * retryable 503 and change nothing; the periodic recovery meets the lock,
 * says so and survives; once the lock is released everything proceeds.
 */
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  balanceAt,
  carrierAToken,
  gatewayProcesses,
  H100,
  hookProvider,
  ledgerNetwork,
  postJson,
  redeemAt,
  type HookProvider,
} from "../../support/ledger-processes.ts";

const TTL_SECONDS = 8;

let provider: HookProvider;
let network: ReturnType<typeof ledgerNetwork>;
let processes: ReturnType<typeof gatewayProcesses>;

beforeAll(async () => {
  provider = await hookProvider();
  // Recovery every max(1 s, ttl / 2) = 4 s; writes wait the default
  // ledger_lock_timeout_ms (2 s) for the lock.
  network = ledgerNetwork(provider.url, { reservation_ttl_seconds: TTL_SECONDS });
  processes = gatewayProcesses(network.dir, network.configPath);
});
afterEach(() => processes.stopAll());
afterAll(() => provider.close());

/** The answer and how long it took, in ms. */
async function timed(request: Promise<Response>) {
  const started = performance.now();
  const response = await request;
  const body = await response.text();
  return { response, body, ms: performance.now() - started };
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

describe("another process holds the ledger's write lock", () => {
  it("health, metadata and verification answer at once; writes get 503 ledger_busy and change nothing; recovery survives; after the release all proceeds", async () => {
    const db = "busy.db";
    // A reservation left behind: the provider holds the request, the process dies.
    const first = await processes.start(db);
    const stuck = await carrierAToken("10");
    const reached = provider.hold();
    const inFlight = redeemAt(
      first.url,
      { token: stuck, provider: "hook-provider", amount: "3", unit: "pflop" },
      "stuck",
    ).catch(() => undefined);
    await reached;
    const reservedAt = Date.now();
    await first.stop("SIGKILL");
    await inFlight;
    provider.answer = (res) => res.end();

    const gateway = await processes.start(db);
    const fresh = await carrierAToken("10");
    const ask = { token: fresh, provider: "carrier-b-edge", amount: "1", unit: H100 };
    // Precondition: the reservation has not lapsed yet, so the periodic
    // recovery (not the one at start) is the one that meets the lock.
    expect(await balanceAt(gateway.url, stuck)).toMatchObject({ reserved: { amount: "3" } });

    const holder = new DatabaseSync(join(network.dir, db));
    holder.exec("BEGIN IMMEDIATE");
    try {
      const redemption = timed(redeemAt(gateway.url, ask, "during"));
      const quote = timed(postJson(`${gateway.url}/v1/quotes`, ask));
      // Awaited below; marked handled so a failure before then reports itself alone.
      for (const pending of [redemption, quote]) pending.catch(() => undefined);
      for (const probe of [
        fetch(`${gateway.url}/healthz`),
        fetch(`${gateway.url}/.well-known/oct-gateway`),
        postJson(`${gateway.url}/v1/verify`, { token: fresh }),
        postJson(`${gateway.url}/v1/balance`, { token: stuck }),
      ]) {
        const { response, ms } = await timed(probe);
        expect(response.status).toBe(200);
        // The old synchronous wait froze the event loop for the lock's whole hold.
        expect(ms).toBeLessThan(1500);
      }
      for (const refused of [await redemption, await quote]) {
        expect(refused.response.status).toBe(503);
        expect(refused.response.headers.get("retry-after")).toBe("1");
        expect(JSON.parse(refused.body)).toMatchObject({
          code: "ledger_busy",
          type: "urn:oct:error:ledger_busy",
        });
      }
      expect(await balanceAt(gateway.url, fresh)).toMatchObject({
        committed: { amount: "0" },
        reserved: { amount: "0" },
        remaining: { amount: "10" },
      });

      // The reservation lapses while the lock is held: recovery meets it.
      expect(Date.now() - reservedAt).toBeLessThan(TTL_SECONDS * 1000);
      const postponed = await waitFor(
        () => /recovery postponed/.test(gateway.output()),
        TTL_SECONDS * 1000 + 6000,
      );
      expect(postponed, gateway.output()).toBe(true);
      expect(gateway.process.exitCode).toBeNull();
      // A lapsed reservation reads as released without the write lock.
      expect(await balanceAt(gateway.url, stuck)).toMatchObject({
        reserved: { amount: "0" },
        remaining: { amount: "10" },
      });
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }

    // The lock released: recovery catches up, refused writes go through.
    expect(
      await waitFor(() => /released 1 lapsed reservation/.test(gateway.output()), 6000),
      gateway.output(),
    ).toBe(true);
    const retried = await redeemAt(gateway.url, ask, "during");
    expect(retried.status).toBe(201);
    expect((await postJson(`${gateway.url}/v1/quotes`, ask)).status).toBe(201);
    expect(await balanceAt(gateway.url, fresh)).toMatchObject({
      committed: { amount: "1" },
      remaining: { amount: "9" },
    });
    const replay = await redeemAt(
      gateway.url,
      { token: stuck, provider: "hook-provider", amount: "3", unit: "pflop" },
      "stuck",
    );
    expect(await replay.json()).toMatchObject({ code: "reservation_expired" });
    expect(gateway.process.exitCode).toBeNull();
  });
});
