/**
 * `npm run demo` (`scripts/demo.ts`) against a real Node gateway process:
 * the whole story, its saved files, and what it says when no gateway runs.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../scripts/demo.ts";
import { capture } from "../../support/cli.ts";
import { freePort, startNodeGateway, type Running } from "../../support/processes.ts";

const demo = (...argv: string[]) => capture(main, argv);

describe("npm run demo", () => {
  let gateway: Running;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "oct-demo-"));
    gateway = await startNodeGateway({ OCT_DB: join(dir, "oct.db") });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it("walks the whole story against the Node gateway", async () => {
    const { status, stdout, stderr } = await demo("--gateway", gateway.url, "--save-dir", dir);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const steps = [...stdout.matchAll(/^(\d+)\. (.*)$/gm)].map((m) => m[2]);
    expect(steps).toHaveLength(10);
    expect(steps[9]).toBe(
      "carrier-b-edge lists the redemptions it is owed for (GET /v1/redemptions)",
    );
    expect(stdout).toContain("carrier-a signs with its EdDSA demo key");
    expect(stdout).toContain(
      "valid: signed by a trusted carrier (carrier-a), 100 gpu-second:h100-sxm remaining",
    );
    expect(stdout).toContain(
      "100 gpu-second:a100-sxm at carrier-b-edge costs 40 gpu-second:h100-sxm",
    );
    expect(stdout).toMatch(/committed: redemption (rd\.\S+)/);
    const id = /committed: redemption (rd\.\S+)/.exec(stdout)![1];
    expect(stdout).toContain(`same redemption id ${id} (Idempotent-Replayed: true)`);
    expect(stdout).toContain("refused, as it must be: 402 insufficient_balance");
    expect(stdout).toContain(
      "face value 100, committed 40, reserved 0, remaining 60 gpu-second:h100-sxm",
    );
    expect(stdout).toContain("it attests: carrier-a owes carrier-b-edge 100 gpu-second:a100-sxm");
    expect(stdout).toContain(
      "carrier-a -> carrier-b-edge: 1 redemption(s), debited 40 gpu-second:h100-sxm, credited 100 gpu-second:a100-sxm",
    );
    expect(stdout).toMatch(/signature verified: ES256, kid \S+; the signed payload is the report/);
    expect(stdout).toContain("carrier A signs a client assertion with its key");
    expect(stdout).toMatch(
      new RegExp(
        `Z  ${id!.replace(/[.]/g, "\\.")}  40 gpu-second:h100-sxm -> 100 gpu-second:a100-sxm`,
      ),
    );
    expect(existsSync(join(dir, "demo-token.jwt"))).toBe(true);
    expect(existsSync(join(dir, "demo-receipt.jwt"))).toBe(true);
  });

  it("says how to start the gateway when none is running, exit status 1", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const { status, stdout, stderr } = await demo("--gateway", url);
    expect(status).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain(`the gateway is not running at ${url}`);
    expect(stderr).toContain("npm start");
  });
});
