/**
 * Federation across the two runtimes (spec §11): A, the home of carrier A's
 * tokens, runs on Node (`npm start`, SQLite); B, a visited gateway, runs on
 * Workers (`wrangler dev`, real workerd, the token's Durable Object holding
 * B's grants). B asks A for grants, redeems against them, and reports their
 * usage from the token object's alarm; redemptions at both at once commit
 * at most the face value, and once B has reported, A's ledger agrees with
 * what each gateway settled, and their signed grant reports reconcile.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAmount } from "../../../src/core/amount/decimal.ts";
import { reconcile } from "../../../src/core/federation/reconcile.ts";
import {
  FederatedProcesses,
  grantReportOf,
  redeemAt,
  settledAt,
} from "../../support/federation-processes.ts";

let gateways: FederatedProcesses;

beforeAll(async () => {
  gateways = await FederatedProcesses.create({
    workers: ["B"],
    // Short grants, so that the test sees them closed and reported.
    limits: { clock_skew_seconds: 5 },
    federation: { grant_ttl_seconds: 5, report_window_seconds: 10, idle_release_seconds: 1 },
  });
  await Promise.all([gateways.start("A"), gateways.start("B")]);
}, 120_000);

afterAll(() => gateways?.close());

interface Balance {
  home?: string;
  committed: { amount: string };
  reserved: { amount: string };
  remaining?: { amount: string };
}

async function balanceAt(url: string, token: string): Promise<Balance> {
  const response = await fetch(`${url}/v1/balance`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token }),
  });
  return (await response.json()) as Balance;
}

/** Polls until `check` passes or `ms` elapse (the alarm reports within seconds). */
async function eventually(check: () => Promise<void>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

describe("a Node home and a visited gateway on Workers", () => {
  it("the Worker redeems a token homed at the Node gateway against its grants, and reports them", async () => {
    const token = await gateways.token("100");
    const { A, B } = gateways.gateways;
    const first = await redeemAt(B.url, token, "1", "w-first");
    expect(first.status).toBe(201);
    expect(first.body.receipt).toBeTypeOf("string");
    // B's balance names A as the token's home; at A, B's grant is held.
    expect(await balanceAt(B.url, token)).toMatchObject({ home: A.id });
    const atHome = await balanceAt(A.url, token);
    expect(atHome.home).toBeUndefined();
    expect(parseAmount(atHome.reserved.amount)! > 0n).toBe(true);
    // The same request again is answered as it was first (spec §8.5), from B's ledger.
    const again = await redeemAt(B.url, token, "1", "w-first");
    expect([again.status, again.body.id]).toEqual([201, first.body.id]);

    // Idle for idle_release_seconds, the grant is closed and reported finally from the alarm:
    // A commits what B used and holds nothing more.
    await eventually(async () => {
      expect(await balanceAt(A.url, token)).toMatchObject({
        committed: { amount: "1" },
        reserved: { amount: "0" },
        remaining: { amount: "99" },
      });
    }, 30_000);
  }, 90_000);

  it("120 redemptions at once, at both, commit at most the face value; the books agree once B has reported", async () => {
    const face = "100";
    const token = await gateways.token(face);
    const { A, B } = gateways.gateways;
    const settledBefore = { A: await settledAt(A.url), B: await settledAt(B.url) };
    const answers = await Promise.all(
      Array.from({ length: 120 }, (_, i) => {
        const at = i % 2 === 0 ? B : A;
        return redeemAt(at.url, token, "1", `w-${i}`).then((answer) => ({ at, answer }));
      }),
    );
    const accepted = answers.filter(({ answer }) => answer.status === 201);
    for (const { answer } of answers.filter(({ answer }) => answer.status !== 201)) {
      // The home is up throughout: the only refusal is the balance.
      expect({ status: answer.status, code: answer.body.code }).toEqual({
        status: 402,
        code: "insufficient_balance",
      });
    }
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.length).toBeLessThanOrEqual(100);
    for (const { answer } of accepted) expect(answer.body.receipt).toBeTypeOf("string");
    const acceptedAt = (url: string) =>
      BigInt(accepted.filter(({ at }) => at.url === url).length) * 10n ** 18n;

    // Once B's grants are reported, A has committed exactly what both accepted,
    // and each gateway settled what it accepted itself.
    await eventually(async () => {
      const home = await balanceAt(A.url, token);
      expect(home.reserved.amount).toBe("0");
      expect(parseAmount(home.committed.amount)).toBe(acceptedAt(A.url) + acceptedAt(B.url));
    }, 40_000);
    expect((await settledAt(A.url)) - settledBefore.A).toBe(acceptedAt(A.url));
    expect((await settledAt(B.url)) - settledBefore.B).toBe(acceptedAt(B.url));
    // The Worker's grant report (gathered from its token objects) agrees with the home's.
    const reports = [await grantReportOf(gateways, "A"), await grantReportOf(gateways, "B")];
    expect(reports[1]!.grants.length).toBeGreaterThan(0);
    expect(reconcile(reports).grants.filter((grant) => grant.verdict !== "agree")).toEqual([]);
  }, 120_000);
});
