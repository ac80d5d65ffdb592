import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { webCryptoSignatures } from "../adapters/crypto/web-crypto-signatures.ts";
import { CarrierKeys } from "../adapters/keys/carrier-keys.ts";
import { UNFETCHED_STATUS_LISTS } from "../core/status/unfetched.ts";
import { verifyToken } from "../core/token/verify.ts";
import { loadNetwork } from "../core/network/config.ts";
import { main } from "./main.ts";
import { capture } from "../../test/support/cli.ts";

const run = (...argv: string[]) => capture(main, argv);

describe("oct", () => {
  it("generates a key, publishes its JWKS and mints a token that verifies", async () => {
    const dir = mkdtempSync(join(tmpdir(), "oct-cli-"));
    const keyFile = join(dir, "k.json");
    expect((await run("keys", "generate", "--alg", "ES256", "--out", keyFile)).status).toBe(0);
    const jwks = JSON.parse((await run("jwks", "--key", keyFile)).stdout);
    expect(jwks.keys[0]).not.toHaveProperty("d");
    const minted = await run(
      "mint",
      "--key",
      keyFile,
      "--iss",
      "https://c.example",
      "--sub",
      "s",
      "--amount",
      "5",
      "--unit",
      "pflop",
      "--json",
    );
    expect(minted.status).toBe(0);
    const { token } = JSON.parse(minted.stdout);
    const network = loadNetwork({
      gateway: { id: "https://gw.example" },
      carriers: [
        { id: "c", issuer: "https://c.example", jwks, algorithms: ["ES256"], status: "active" },
      ],
      providers: [],
      tariffs: [],
    });
    const verified = await verifyToken(token, {
      network,
      keys: new CarrierKeys(),
      statusLists: UNFETCHED_STATUS_LISTS,
      clock: { now: () => Date.now() },
      signatures: webCryptoSignatures,
    });
    expect(verified.claims.oct).toEqual({ ver: "0.1", amount: "5", unit: "pflop" });
    expect(JSON.parse(readFileSync(keyFile, "utf8")).alg).toBe("ES256");
  });

  it("every command has --help with an example", async () => {
    const commands = [
      ["keys", "generate"],
      ["jwks"],
      ["mint"],
      ["inspect"],
      ["quote"],
      ["redeem"],
      ["balance"],
      ["settlement"],
      ["redemptions"],
      ["metrics"],
      ["receipt", "verify"],
      ["network", "init"],
      ["network", "add-carrier"],
      ["network", "add-provider"],
      ["network", "add-operator"],
      ["network", "add-tariff"],
    ];
    for (const command of commands) {
      const { status, stdout } = await run(...command, "--help");
      expect(status).toBe(0);
      expect(stdout).toContain("example: oct ");
    }
  });

  it("lists a group's commands when given the group alone", async () => {
    const keys = await run("keys");
    expect(keys.status).toBe(0);
    expect(keys.stderr).toBe("");
    expect(keys.stdout).toContain("keys generate");
    expect(keys.stdout).not.toContain("unknown command");
    expect((await run("receipt")).stdout).toContain("receipt verify");
    expect((await run("conformance")).stdout).toContain("conformance issuer");
    const wrong = await run("keys", "frobnicate");
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('unknown command "keys frobnicate"');
    expect(wrong.stderr).toContain("keys generate");
  });

  it("refuses bad input clearly, with a non-zero status", async () => {
    const missing = await run("jwks", "--key", "/no/such/file.json");
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("cannot read key file /no/such/file.json");
    expect((await run("keys", "generate", "--alg", "HS256")).stderr).toContain(
      "--alg must be one of",
    );
    expect((await run("frobnicate")).status).toBe(2);
    expect((await run("mint", "--bogus")).status).toBe(2);
  });
});
