import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { webCryptoSignatures } from "../../adapters/crypto/web-crypto-signatures.ts";
import { CarrierKeys } from "../../adapters/keys/carrier-keys.ts";
import { loadNetwork, type NetworkDocument } from "../../core/network/config.ts";
import type { PrivateJwk } from "../../core/signing/keys.ts";
import { publicJwks } from "../../core/signing/keys.ts";
import { verifyStatusListToken } from "../../core/status/list-token.ts";
import { statusAt } from "../../core/status/status-list.ts";
import { freePort } from "../../../scripts/lib/free-port.ts";
import { capture } from "../../../test/support/cli.ts";
import { testGateway } from "../../../test/support/gateway.ts";
import { main } from "../main.ts";
import { statusListServer } from "./status-list.ts";

const run = (...argv: string[]) => capture(main, argv);
const KEY_FILE = new URL("../../../config/demo/keys/carrier-a.private.jwk.json", import.meta.url)
  .pathname;
const KEY = JSON.parse(readFileSync(KEY_FILE, "utf8")) as PrivateJwk;
const ISSUER = "https://tokens.carrier-a.example";
const dir = () => mkdtempSync(join(tmpdir(), "oct-status-"));
const sign = (list: string, uri: string, ...options: string[]) =>
  run("status-list", "sign", "--list", list, "--key", KEY_FILE, "--uri", uri, ...options);

/** A network whose one carrier, A (the demo's key), publishes lists under `statusLists`. */
const networkOf = (statusLists: string[]): NetworkDocument => ({
  gateway: { id: "https://gw.example" },
  carriers: [
    {
      id: "carrier-a",
      issuer: ISSUER,
      jwks: publicJwks([KEY]) as { keys: unknown[] },
      algorithms: [KEY.alg],
      status: "active",
      status_lists: statusLists,
    },
  ],
  providers: [],
  tariffs: [],
});
const carrierA = (statusLists: string[]) => loadNetwork(networkOf(statusLists)).carriers[0]!;

describe("oct status-list", () => {
  it("creates a list, sets and reads statuses, and signs it as its carrier", async () => {
    const list = join(dir(), "status-1.json");
    const created = await run("status-list", "create", "--size", "1000", "--out", list);
    expect(created.stdout).toContain("1000 entries of 2 bit(s), every one valid");
    expect(JSON.parse(readFileSync(list, "utf8"))).toMatchObject({ bits: 2 });
    expect((await run("status-list", "create", "--size", "10", "--out", list)).status).toBe(2);

    const set = await run(
      "status-list",
      "set",
      "--list",
      list,
      "--index",
      "7",
      "--status",
      "invalid",
    );
    expect(set.stdout.trim()).toBe("entry 7: valid -> invalid");
    await run("status-list", "set", "--list", list, "--index", "8", "--status", "suspended");
    expect((await run("status-list", "get", "--list", list, "--index", "8")).stdout.trim()).toBe(
      "entry 8: suspended",
    );

    const uri = "https://tokens.carrier-a.example/status/1";
    const signed = await sign(list, uri, "--ttl", "120");
    expect(signed.status).toBe(0);
    const verified = await verifyStatusListToken(signed.stdout.trim(), carrierA([uri]), uri, {
      keys: new CarrierKeys(),
      signatures: webCryptoSignatures,
      now: Date.now(),
      clockSkewSeconds: 60,
      maxBytes: 1 << 20,
    });
    expect(verified.ttl).toBe(120);
    expect(verified.exp! - verified.iat).toBe(86_400);
    expect([6, 7, 8].map((i) => statusAt(verified.list, i))).toEqual([0, 1, 2]);
  });

  it("refuses what would make a wrong list: an index outside it, a status wider than its bits", async () => {
    const list = join(dir(), "small.json");
    await run("status-list", "create", "--size", "8", "--bits", "1", "--out", list);
    const cases: [string[], string][] = [
      [["--index", "8", "--status", "invalid"], "outside the list"],
      [["--index", "0", "--status", "suspended"], "1 bit(s) per entry"],
      [["--index", "-1", "--status", "valid"], "--index"],
      [["--index", "0", "--status", "gone"], "--status gone"],
    ];
    for (const [options, message] of cases) {
      const answer = await run("status-list", "set", "--list", list, ...options);
      expect(answer.status, options.join(" ")).toBe(2);
      expect(answer.stderr).toContain(message);
    }
    const bad = join(dir(), "bad.json");
    writeFileSync(bad, JSON.stringify({ bits: 3, lst: "eNrbuRgAAhcBXQ" }));
    expect((await run("status-list", "get", "--list", bad, "--index", "0")).stderr).toContain(
      "not a status list file",
    );
    const plain = await sign(list, "http://lists.example/1");
    expect(plain.status).toBe(2);
    expect(plain.stderr).toContain("https");
  });

  it("serves the list signed afresh, so a gateway sees a revocation at its next fetch", async () => {
    const list = join(dir(), "served.json");
    await run("status-list", "create", "--size", "64", "--out", list);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}/status/`;
    const uri = `${base}1`;
    const server = statusListServer({ list, key: KEY, uri, ttl: 1, lifetime: 3600 });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    try {
      expect((await fetch(`${base}2`)).status).toBe(404);
      const answer = await fetch(uri);
      expect(answer.headers.get("content-type")).toBe("application/statuslist+jwt");

      let now = Date.now();
      const gw = await testGateway({
        clock: { now: () => now },
        network: { ...networkOf([base]), limits: { status_list_cooldown_seconds: 1 } },
        fetch: globalThis.fetch,
      });
      const seconds = Math.floor(now / 1000);
      const minted = await run(
        "mint",
        "--key",
        KEY_FILE,
        "--iss",
        ISSUER,
        "--sub",
        "acct-1",
        "--amount",
        "5",
        "--unit",
        "pflop",
        "--iat",
        String(seconds),
        "--nbf",
        String(seconds),
        "--status-list",
        uri,
        "--status-index",
        "12",
      );
      const token = minted.stdout.trim();
      const verdict = async () =>
        (await (await gw.post("/v1/verify", { token })).json()) as {
          valid: boolean;
          error?: string;
        };
      expect(await verdict()).toMatchObject({ valid: true });
      await run("status-list", "set", "--list", list, "--index", "12", "--status", "invalid");
      now += 2000; // past the list's ttl of 1 s and the cooldown
      expect(await verdict()).toMatchObject({ valid: false, error: "token_revoked" });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
