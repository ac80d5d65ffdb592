/**
 * `npm run demo:federation` (`scripts/demo-federation.ts`): two carriers'
 * gateway processes, a token of carrier A redeemed at carrier B's, its
 * balance living at A's, and the two sides' reports reconciled.
 */
import { describe, expect, it } from "vitest";
import { main } from "../../../scripts/demo-federation.ts";
import { capture } from "../../support/cli.ts";

describe("npm run demo:federation", () => {
  it("redeems carrier A's token at carrier B's gateway, its balance at A's, and reconciles", async () => {
    const { status, stdout, stderr } = await capture(main, []);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const steps = [...stdout.matchAll(/^(\d+)\. (.*)$/gm)].map((m) => m[2]);
    expect(steps).toHaveLength(7);
    expect(stdout).toMatch(/grant gt\.\S+: 400 gpu-second:h100-sxm to http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toContain("A has issued 1 grant to B so far");
    expect(stdout).toContain("B committed 120, can still redeem 280 gpu-second:h100-sxm");
    expect(stdout).toContain(
      "at A: the token's balance: committed 0, held for B's grant 400, remaining 600 gpu-second:h100-sxm",
    );
    expect(stdout).toContain("at A: committed 120, held 0, remaining 880 gpu-second:h100-sxm");
    expect(stdout).toContain("1 grants: 1 agree, 0 open, 0 with discrepancies, 0 unchecked");
    expect(stdout).toContain("the reports agree");
  }, 60_000);
});
