import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { capture } from "../../../test/support/cli.ts";
import { loadNetworkFile } from "../../adapters/config/file.ts";
import { main } from "../main.ts";

const run = (...argv: string[]) => capture(main, argv);
const DEMO = new URL("../../../config/demo/network.json", import.meta.url).pathname;
const DEMO_PRIVATE = new URL(
  "../../../config/demo/keys/carrier-b.private.jwk.json",
  import.meta.url,
).pathname;

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), "oct-network-"));
  return { dir, config: join(dir, "network.json") };
}

describe("oct network", () => {
  it("init: the gateway id asked for and a receipt key of its own, never the demo's", async () => {
    const { config } = workspace();
    const made = await run(
      "network",
      "init",
      "--gateway-id",
      "https://gw.example",
      "--out",
      config,
    );
    expect(made.status).toBe(0);
    expect(statSync(config).mode & 0o777).toBe(0o600);
    const network = loadNetworkFile(config);
    expect(network.gatewayId).toBe("https://gw.example");
    const [key] = network.document.gateway.receipt_keys!.keys;
    const demoKey = JSON.parse(readFileSync(DEMO, "utf8")).gateway.receipt_keys.keys[0];
    expect(key).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256" });
    expect(key!.d).toEqual(expect.any(String));
    expect(key!.kid).not.toBe(demoKey.kid);
    expect(network.carriers).toEqual([]);

    const again = await run(
      "network",
      "init",
      "--gateway-id",
      "https://gw.example",
      "--out",
      config,
    );
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("--force");

    const bad = await run("network", "init", "--gateway-id", "gw.example");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("must be an http(s) URL");
  });

  it("add-provider, add-carrier and add-tariff make a network the gateway loads", async () => {
    const { dir, config } = workspace();
    await run("network", "init", "--gateway-id", "http://127.0.0.1:8787", "--out", config);
    const keyFile = join(dir, "c.private.jwk.json");
    await run("keys", "generate", "--alg", "EdDSA", "--out", keyFile);
    const jwksFile = join(dir, "c.jwks.json");
    writeFileSync(jwksFile, (await run("jwks", "--key", keyFile)).stdout);

    const steps = [
      ["add-provider", "--id", "edge", "--unit", "gpu-second:a100-sxm", "--jwks", jwksFile],
      ["add-operator", "--id", "ops", "--jwks-uri", "https://noc.example/jwks.json"],
      ["add-carrier", "--id", "c", "--issuer", "https://tokens.c.example", "--jwks", jwksFile],
      [
        "add-carrier",
        "--id",
        "d",
        "--issuer",
        "https://tokens.d.example",
        "--jwks-uri",
        "https://tokens.d.example/jwks.json",
        "--alg",
        "ES256",
      ],
      [
        "add-tariff",
        "--carrier",
        "c",
        "--from",
        "gpu-second:l40s",
        "--provider",
        "edge",
        "--to",
        "gpu-second:a100-sxm",
        "--rate",
        "0.4",
        "--valid-from",
        "2026-01-01T00:00:00Z",
      ],
    ];
    for (const step of steps) {
      const done = await run("network", ...step.slice(0, 1), "--config", config, ...step.slice(1));
      expect(done.stderr).toBe("");
      expect(done.status).toBe(0);
    }
    const network = loadNetworkFile(config);
    expect(network.carrierById("c")).toMatchObject({ algorithms: ["EdDSA"], status: "active" });
    expect(network.carrierById("c")!.inlineKeys.size).toBe(1);
    expect(network.providerById("edge")!.inlineKeys.size).toBe(1);
    expect(network.operatorById("ops")).toMatchObject({
      jwks_uri: "https://noc.example/jwks.json",
    });
    const keyless = await run("network", "add-operator", "--config", config, "--id", "noc");
    expect(keyless.status).toBe(2);
    expect(keyless.stderr).toContain("give the operator's keys");
    expect(network.carrierById("d")).toMatchObject({
      jwks_uri: "https://tokens.d.example/jwks.json",
    });
    expect(network.tariffs).toEqual([
      {
        carrier: "c",
        from: "gpu-second:l40s",
        provider: "edge",
        to: "gpu-second:a100-sxm",
        rate: "0.4",
        valid_from: "2026-01-01T00:00:00Z",
      },
    ]);
    expect(statSync(config).mode & 0o777).toBe(0o600);
  });

  it("refuses a change that would break the network, and leaves the file as it was", async () => {
    const { config } = workspace();
    await run("network", "init", "--gateway-id", "http://127.0.0.1:8787", "--out", config);
    const before = readFileSync(config, "utf8");
    const change = (command: string, options: Record<string, string>) =>
      run(
        "network",
        command,
        "--config",
        config,
        ...Object.entries(options).flatMap(([name, value]) => [`--${name}`, value]),
      );
    const tariff = { carrier: "nobody", from: "pflop", provider: "p", to: "pflop", rate: "1" };

    const unknown = await change("add-tariff", tariff);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('at "/tariffs/0/carrier": unknown carrier nobody');

    expect((await change("add-tariff", { ...tariff, rate: "0.40" })).stderr).toContain("write 0.4");

    const privateKeys = join(workspace().dir, "private.json");
    writeFileSync(
      privateKeys,
      JSON.stringify({ keys: [JSON.parse(readFileSync(DEMO_PRIVATE, "utf8"))] }),
    );
    const carrier = { id: "c", issuer: "https://c.example" };
    const leaked = await change("add-carrier", { ...carrier, jwks: privateKeys });
    expect(leaked.status).toBe(2);
    expect(leaked.stderr).toContain("holds a private key: a carrier entry takes public keys only");

    const plainHttp = await change("add-carrier", {
      ...carrier,
      "jwks-uri": "http://c.example/jwks.json",
      alg: "ES256",
    });
    expect(plainHttp.status).toBe(2);
    expect(plainHttp.stderr).toContain("/carriers/0/jwks_uri");

    expect(readFileSync(config, "utf8")).toBe(before);
  });

  it("lists its commands when given none", async () => {
    const listed = await run("network");
    expect(listed.status).toBe(0);
    for (const name of [
      "network init",
      "network add-carrier",
      "network add-provider",
      "network add-tariff",
    ])
      expect(listed.stdout).toContain(name);
  });
});
