/**
 * Three gateway processes with separate ledgers and one token (spec §11):
 * A is its home, B and C visited gateways. 300 redemptions fired at once,
 * spread across the three: what they commit together never exceeds the
 * face value, exactly the accepted ones have receipts and are committed
 * where they were made, the rest are refused with insufficient_balance;
 * once every grant is reported, the home's ledger agrees with what the
 * three gateways settled.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAmount } from "../../../src/core/amount/decimal.ts";
import {
  FederatedProcesses,
  redeemAt,
  settledAt,
  type Name,
} from "../../support/federation-processes.ts";

let gateways: FederatedProcesses;

beforeAll(async () => {
  gateways = await FederatedProcesses.create({
    // Short grants, so that the test sees them closed and reported (a short
    // skew allows a short report window; 5 s still covers a loaded machine).
    limits: { clock_skew_seconds: 5 },
    federation: { grant_ttl_seconds: 5, report_window_seconds: 10, idle_release_seconds: 1 },
  });
  await gateways.startAll();
}, 60_000);

afterAll(() => gateways?.close());

async function balanceAtHome(token: string) {
  const response = await fetch(`${gateways.gateways.A.url}/v1/balance`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token }),
  });
  return (await response.json()) as { committed: { amount: string }; reserved: { amount: string } };
}

describe("one token redeemed at three gateways with their own ledgers", () => {
  it("300 redemptions at once commit at most the face value, each accepted one with its receipt", async () => {
    const face = "100";
    const token = await gateways.token(face);
    const names: Name[] = ["A", "B", "C"];
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) => {
        const name = names[i % 3]!;
        return redeemAt(gateways.gateways[name].url, token, "1", `k-${i}`).then((answer) => ({
          name,
          answer,
        }));
      }),
    );
    const accepted = answers.filter(({ answer }) => answer.status === 201);
    const refused = answers.filter(({ answer }) => answer.status !== 201);
    for (const { answer } of refused) {
      expect({ status: answer.status, code: answer.body.code }).toEqual({
        status: 402,
        code: "insufficient_balance",
      });
    }
    expect(accepted.length).toBeLessThanOrEqual(100);
    expect(accepted.length).toBeGreaterThan(0);
    for (const { name, answer } of accepted) {
      expect(answer.body.receipt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      const stored = await (
        await fetch(`${gateways.gateways[name].url}/v1/redemptions/${answer.body.id}`)
      ).json();
      expect(stored.status).toBe("committed");
    }
    // What the three gateways settled is what was accepted, and at most the face value.
    const settled = (
      await Promise.all(names.map((name) => settledAt(gateways.gateways[name].url)))
    ).reduce((a, b) => a + b, 0n);
    expect(settled).toBe(BigInt(accepted.length) * 10n ** 18n);
    expect(settled).toBeLessThanOrEqual(parseAmount(face)!);

    // Once every grant is closed and reported, the home counts exactly what was settled.
    await expect
      .poll(async () => balanceAtHome(token), { timeout: 30_000, interval: 500 })
      .toMatchObject({ reserved: { amount: "0" } });
    const home = await balanceAtHome(token);
    expect(parseAmount(home.committed.amount)).toBe(settled);
  });
});
