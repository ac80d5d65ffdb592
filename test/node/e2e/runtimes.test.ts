/**
 * End to end, on the real runtimes: `npm start`'s entry point on Node, and
 * the Worker bundle under `wrangler dev` (real workerd, where `eval` is
 * forbidden, unlike the vitest pool). Both serve the demo network.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintToken, type MintClaims } from "../../../src/core/issuer/mint.ts";
import type { PrivateJwk } from "../../../src/core/signing/keys.ts";
import { asDemoParty } from "../../support/demo-party.ts";
import { ROOT, startNodeGateway, startWranglerDev, type Running } from "../../support/processes.ts";

const demoKey = (carrier: string) =>
  JSON.parse(
    readFileSync(`${ROOT}config/demo/keys/${carrier}.private.jwk.json`, "utf8"),
  ) as PrivateJwk;

/**
 * The files under the repository's own state directories (`npx wrangler
 * dev`'s `.wrangler/state`, `npm start`'s `.oct`), with their sizes and
 * times: a test run must leave them as they were.
 */
function repositoryState(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(`${path} ${statSync(path).size} ${statSync(path).mtimeMs}`);
    }
  };
  walk(join(ROOT, ".wrangler/state"));
  walk(join(ROOT, ".oct"));
  return files.sort();
}

function demoClaims(overrides: Partial<MintClaims> = {}): MintClaims {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: "https://tokens.carrier-a.example",
    sub: "acct-e2e",
    iat: now,
    exp: now + 3600,
    jti: `e2e-${now}-${Math.random().toString(36).slice(2)}`,
    oct: { ver: "0.1", amount: "100", unit: "gpu-second:h100-sxm" },
    ...overrides,
  };
}

async function verify(url: string, token: string) {
  const response = await fetch(`${url}/v1/verify`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

for (const [name, start] of [
  [
    "Node (npm start)",
    () => startNodeGateway({ OCT_DB: join(mkdtempSync(join(tmpdir(), "oct-e2e-")), "oct.db") }),
  ],
  ["workerd (wrangler dev)", () => startWranglerDev()],
] as const) {
  describe(name, () => {
    let gateway: Running;
    let stateBefore: string[];
    beforeAll(async () => {
      stateBefore = repositoryState();
      gateway = await start();
    }, 90_000);
    afterAll(async () => {
      await gateway?.stop();
    });

    it("serves its metadata", async () => {
      const response = await fetch(`${gateway.url}/.well-known/oct-gateway`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { issuers: { carrier: string }[] };
      expect(body.issuers.map((i) => i.carrier)).toEqual(["carrier-a", "carrier-b"]);
    });

    it("verifies demo tokens of both carriers (EdDSA and ES256)", async () => {
      const a = await verify(gateway.url, await mintToken(demoClaims(), demoKey("carrier-a")));
      expect(a).toMatchObject({ status: 200, body: { valid: true } });
      const b = await verify(
        gateway.url,
        await mintToken(
          demoClaims({ iss: "https://tokens.carrier-b.example" }),
          demoKey("carrier-b"),
        ),
      );
      expect(b).toMatchObject({ status: 200, body: { valid: true } });
    });

    it("redeems across carriers exactly once, replays, refuses an over-spend, and reports settlement", async () => {
      const token = await mintToken(
        demoClaims({ oct: { ver: "0.1", amount: "50", unit: "gpu-second:h100-sxm" } }),
        demoKey("carrier-a"),
      );
      const body = {
        token,
        provider: "carrier-b-edge",
        amount: "100",
        unit: "gpu-second:a100-sxm",
      };
      const send = (key: string, b: unknown = body) =>
        fetch(`${gateway.url}/v1/redemptions`, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": key },
          body: JSON.stringify(b),
        });
      const first = await send("e2e-1");
      expect(first.status).toBe(201);
      const created = (await first.json()) as {
        id: string;
        debited: { amount: string };
        receipt: string;
      };
      expect(created.debited.amount).toBe("40");
      const replay = await send("e2e-1");
      expect(((await replay.json()) as { id: string }).id).toBe(created.id);
      const over = await send("e2e-2");
      expect(over.status).toBe(402);
      const stored = await fetch(`${gateway.url}/v1/redemptions/${created.id}`);
      expect(await stored.json()).toMatchObject({ status: "committed", receipt: created.receipt });
      const from = new Date(Date.now() - 60_000).toISOString();
      const to = new Date(Date.now() + 60_000).toISOString();
      const report = (await (
        await fetch(`${gateway.url}/v1/settlements?from=${from}&to=${to}&carrier=carrier-a`, {
          headers: await asDemoParty("carrier:carrier-a", "carrier-a"),
        })
      ).json()) as {
        totals: { debited: string }[];
        signature: string;
      };
      expect(report.totals.length).toBeGreaterThan(0);
      expect(report.signature.split(".")).toHaveLength(3);
      // The books answer their parties only (spec §7.13), and list what concerns them.
      const anonymous = await fetch(`${gateway.url}/v1/settlements?from=${from}&to=${to}`);
      expect(anonymous.status).toBe(401);
      const listed = (await (
        await fetch(`${gateway.url}/v1/redemptions?from=${from}`, {
          headers: await asDemoParty("carrier:carrier-a", "carrier-a"),
        })
      ).json()) as { redemptions: { id: string }[] };
      expect(listed.redemptions.map((r) => r.id)).toContain(created.id);
    });

    it("refuses a forged token and a malformed body with their codes", async () => {
      const forged = await mintToken(demoClaims(), {
        ...demoKey("carrier-b"),
        kid: demoKey("carrier-a").kid,
        alg: "ES256",
      });
      expect((await verify(gateway.url, forged)).body).toMatchObject({
        valid: false,
        error: "alg_not_allowed",
      });
      const response = await fetch(`${gateway.url}/v1/verify`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{not json",
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: "request_invalid" });
    });

    it("keeps its state out of the repository (.wrangler/state, .oct)", () => {
      expect(repositoryState()).toEqual(stateBefore);
      if ("persistTo" in gateway) {
        // wrangler dev's Durable Objects wrote their redemptions here instead.
        const objects = join(gateway.persistTo as string, "v3/do");
        expect(readdirSync(objects).sort()).toEqual([
          "oct-gateway-SettlementBook",
          "oct-gateway-TokenLedger",
        ]);
      }
    });
  });
}

describe("Node start-up with a bad configuration", () => {
  it("stops with a message naming the file and the JSON Pointer", async () => {
    const { writeFileSync } = await import("node:fs");
    const dir = mkdtempSync(join(tmpdir(), "oct-config-"));
    const config = JSON.parse(readFileSync(`${ROOT}config/demo/network.json`, "utf8"));
    config.tariffs[0].rate = "2.50";
    writeFileSync(join(dir, "network.json"), JSON.stringify(config));
    await expect(startNodeGateway({ OCT_CONFIG: join(dir, "network.json") })).rejects.toThrow(
      /network\.json: at "\/tariffs\/0\/rate"/,
    );
  });
});
