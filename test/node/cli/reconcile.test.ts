/**
 * `oct settlement reconcile` (spec §11.8, §11.11) with fabricated signed
 * grant reports of a home and a visited gateway: reports that agree, reports
 * that disagree (each discrepancy listed per grant), a forged report, and
 * reports fetched from URLs with keys from the same origin.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.ts";
import { publicJwks } from "../../../src/core/signing/keys.ts";
import { capture } from "../../support/cli.ts";
import {
  federatedGateways,
  HOME,
  VISITED,
  type FederatedGateways,
} from "../../support/federation.ts";
import { entry, report } from "../../support/grant-reports.ts";

const run = (...argv: string[]) => capture(main, argv);

let dir: string;
let gw: FederatedGateways;
let keyArgs: string[];

function file(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "oct-reconcile-"));
  gw = await federatedGateways();
  keyArgs = [
    "--keys",
    `${HOME}=${file("home-jwks.json", publicJwks([gw.homeKey]))}`,
    "--keys",
    `${VISITED}=${file("visited-jwks.json", publicJwks([gw.visitedKey]))}`,
  ];
});

describe("oct settlement reconcile", () => {
  it("shows that agreeing reports agree (exit 0)", async () => {
    const home = file(
      "home.json",
      await report(HOME, gw.homeKey, [entry("gt.a"), entry("gt.b", { used: "0" })]),
    );
    const visited = file(
      "visited.json",
      await report(VISITED, gw.visitedKey, [
        entry("gt.a"),
        entry("gt.b", { used: "0", status: "closing" }),
      ]),
    );
    const result = await run(
      "settlement",
      "reconcile",
      "--report",
      home,
      "--report",
      visited,
      ...keyArgs,
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      `report of ${HOME}, 2030-03-17T00:00:00Z to 2030-03-18T00:00:00Z: 2 grants, signature verified`,
    );
    expect(result.stdout).toContain("2 grants: 2 agree, 0 open, 0 with discrepancies, 0 unchecked");
    expect(result.stdout).toContain("the reports agree");
  });

  it("lists each discrepancy per grant (exit 1), and prints the comparison under --json", async () => {
    const home = file(
      "home-2.json",
      await report(HOME, gw.homeKey, [
        entry("gt.a"),
        entry("gt.b", { status: "lapsed", used: "400" }),
        entry("gt.c", { used: "12" }),
        entry("gt.d"),
      ]),
    );
    const visited = file(
      "visited-2.json",
      await report(VISITED, gw.visitedKey, [
        entry("gt.a"),
        entry("gt.b", { status: "closing" }),
        entry("gt.c", { used: "10" }),
      ]),
    );
    const args = ["settlement", "reconcile", "--report", home, "--report", visited, ...keyArgs];
    const text = await run(...args);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain(
      "gt.b: discrepancy: lapsed at the home (counted 400) before the final report of 40 arrived",
    );
    expect(text.stdout).toContain("gt.c: discrepancy: used differs: home 12, visited 10");
    expect(text.stdout).toContain(`gt.d: discrepancy: missing from the report of ${VISITED}`);
    expect(text.stdout).not.toContain("gt.a:");
    expect(text.stdout).toContain("4 grants: 1 agree, 0 open, 3 with discrepancies, 0 unchecked");
    const json = await run(...args, "--json");
    expect(json.status).toBe(1);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.agree).toBe(false);
    expect(parsed.grants.map((g: { id: string; verdict: string }) => [g.id, g.verdict])).toEqual([
      ["gt.a", "agree"],
      ["gt.b", "discrepancy"],
      ["gt.c", "discrepancy"],
      ["gt.d", "discrepancy"],
    ]);
  });

  it("refuses a forged report, naming it, and reconciles nothing (exit 1)", async () => {
    const home = file("home-3.json", await report(HOME, gw.homeKey, [entry("gt.a")]));
    const forged = file(
      "forged.json",
      await report(VISITED, { ...gw.strangerKey, kid: gw.visitedKey.kid }, [
        entry("gt.a", { used: "0" }),
      ]),
    );
    const result = await run(
      "settlement",
      "reconcile",
      "--report",
      home,
      "--report",
      forged,
      ...keyArgs,
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`${forged}: peer_signature_invalid:`);
  });

  it("refuses a report altered after it was signed", async () => {
    const signed = await report(VISITED, gw.visitedKey, [entry("gt.a")]);
    const altered = file("altered.json", { ...signed, grants: [entry("gt.a", { used: "1" })] });
    const result = await run("settlement", "reconcile", "--report", altered, ...keyArgs);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "peer_signature_invalid: the signed payload differs from the report",
    );
  });

  it("explains usage mistakes (exit 2)", async () => {
    expect((await run("settlement", "reconcile")).status).toBe(2);
    const noKeys = await run(
      "settlement",
      "reconcile",
      "--report",
      file("urn.json", await report("urn:oct:gateway:x", gw.homeKey, [])),
    );
    expect(noKeys.status).toBe(2);
    expect(noKeys.stderr).toContain("give --keys urn:oct:gateway:x=FILE");
    expect(
      (await run("settlement", "reconcile", "--report", "x.json", "--keys", "nothing")).status,
    ).toBe(2);
  });

  describe("reports fetched from the gateways", () => {
    let close: () => void;
    let origin: string;
    beforeAll(async () => {
      const homeReport = await report(HOME, gw.homeKey, [entry("gt.a")]);
      const visitedReport = await report(VISITED, gw.visitedKey, [entry("gt.a")]);
      // One server stands for the visited gateway: its report and its JWKS at the same origin.
      const server = createServer((request, response) => {
        const routes: Record<string, unknown> = {
          "/v1/grants?from=2030-03-17T00:00:00Z&to=2030-03-18T00:00:00Z": visitedReport,
          "/.well-known/jwks.json": publicJwks([gw.visitedKey]),
          "/home-report": homeReport,
        };
        const body = routes[request.url ?? ""];
        response.writeHead(body ? 200 : 404, { "content-type": "application/json" });
        response.end(JSON.stringify(body ?? { nothing: true }));
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      close = () => server.close();
    });
    afterAll(() => close());

    it("verifies a fetched report with its origin's JWKS, and a home report with --keys", async () => {
      const result = await run(
        "settlement",
        "reconcile",
        "--report",
        `${origin}/v1/grants?from=2030-03-17T00:00:00Z&to=2030-03-18T00:00:00Z`,
        "--report",
        `${origin}/home-report`,
        "--keys",
        `${HOME}=${file("home-jwks-2.json", publicJwks([gw.homeKey]))}`,
      );
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(result.stdout).toContain("1 grants: 1 agree");
    });

    it("refuses a fetched report the origin's keys did not sign", async () => {
      const result = await run("settlement", "reconcile", "--report", `${origin}/home-report`);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("peer_signature_invalid");
    });
  });
});
