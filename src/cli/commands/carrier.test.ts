import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { capture } from "../../../test/support/cli.ts";
import { main } from "../main.ts";

const run = (...argv: string[]) => capture(main, argv);
const KEY = new URL("../../../config/demo/keys/carrier-a.private.jwk.json", import.meta.url)
  .pathname;
const mint = (...extra: string[]) =>
  run("mint", "--key", KEY, "--iss", "https://c.example", "--sub", "s", ...extra);

describe("oct keys generate", () => {
  it("never replaces an existing file without --force", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "oct-keys-")), "k.json");
    expect((await run("keys", "generate", "--out", file)).status).toBe(0);
    const first = readFileSync(file, "utf8");
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const again = await run("keys", "generate", "--out", file);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain(`${file} exists and may hold a key in use`);
    expect(again.stderr).toContain("--force");
    expect(readFileSync(file, "utf8")).toBe(first);

    chmodSync(file, 0o644);
    expect((await run("keys", "generate", "--out", file, "--force")).status).toBe(0);
    expect(readFileSync(file, "utf8")).not.toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe("oct mint", () => {
  it("checks the amount locally and says how to write it", async () => {
    for (const [amount, write] of [
      ["1.50", "write 1.5"],
      ["1e3", "write 1000"],
    ]) {
      const refused = await mint("--amount", amount!, "--unit", "pflop");
      expect(refused.status).toBe(2);
      expect(refused.stdout).toBe("");
      expect(refused.stderr).toContain(write);
    }
    const cap = await mint("--amount", "5", "--unit", "pflop", "--max-per-redemption", "2.0");
    expect(cap.status).toBe(2);
    expect(cap.stderr).toContain("--max-per-redemption 2.0 is not how amounts are written");
  });

  it("refuses a unit outside the registry with unit_unknown", async () => {
    const refused = await mint("--amount", "5", "--unit", "bogus");
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain("unit_unknown: --unit bogus is not in the unit registry");
    expect(refused.stderr).toContain("gpu-second:h100-sxm");
  });

  it("sets exp, nbf and iat for testing", async () => {
    const minted = await mint(
      "--amount",
      "5",
      "--unit",
      "pflop",
      "--exp",
      "now-60",
      "--nbf",
      "2026-01-01",
      "--iat",
      "1767225600",
      "--json",
    );
    expect(minted.status).toBe(0);
    const claims = decodeJwt(JSON.parse(minted.stdout).token);
    const now = Math.floor(Date.now() / 1000);
    expect(claims.exp).toBeGreaterThanOrEqual(now - 65);
    expect(claims.exp).toBeLessThanOrEqual(now - 60);
    expect(claims.nbf).toBe(1767225600);
    expect(claims.iat).toBe(1767225600);

    const later = decodeJwt(
      JSON.parse(
        (
          await mint(
            "--amount",
            "5",
            "--unit",
            "pflop",
            "--nbf",
            "now+3600",
            "--ttl",
            "60",
            "--json",
          )
        ).stdout,
      ).token,
    );
    expect(later.exp! - later.nbf!).toBe(60);
    expect(later.nbf! - later.iat!).toBe(3600);

    const both = await mint("--amount", "5", "--unit", "pflop", "--exp", "now", "--ttl", "5");
    expect(both.status).toBe(2);
    expect(both.stderr).toContain("--ttl and --exp");
  });
});

describe("oct quote and oct redeem", () => {
  it("check the amount before calling the gateway", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "oct-ask-")), "t.jwt");
    writeFileSync(file, "a.b.c");
    for (const verb of ["quote", "redeem"]) {
      // Nothing listens on port 9: a call would fail with "cannot reach" (exit status 1).
      const refused = await run(
        verb,
        "--token-file",
        file,
        "--provider",
        "p",
        "--amount",
        "1.50",
        "--unit",
        "pflop",
        "--gateway",
        "http://127.0.0.1:9",
      );
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain("write 1.5");
      expect(refused.stderr).not.toContain("cannot reach");
    }
  });
});
