/**
 * @module `oct receipt verify` at the wrong gateway explains which one is
 * wrong: a receipt whose iss is another gateway, or a redemption made at
 * another gateway that holds the same id and keys (as every demo gateway
 * does), instead of a bare `not_found`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadNetwork } from "../../../src/core/network/config.ts";
import { main } from "../../../src/cli/main.ts";
import { createGateway } from "../../../src/gateway/app.ts";
import { nodePorts } from "../../../src/runtime/node-ports.ts";
import { capture } from "../../support/cli.ts";
import { ROOT } from "../../support/processes.ts";
import { serveApp } from "../../support/serve.ts";

const run = (...argv: string[]) => capture(main, argv);
const demo = () => JSON.parse(readFileSync(join(ROOT, "config/demo/network.json"), "utf8"));

function gatewayOn(document: unknown) {
  return serveApp(createGateway(nodePorts({ network: loadNetwork(document), dbPath: ":memory:" })));
}

let issuing: Awaited<ReturnType<typeof serveApp>>;
let twin: Awaited<ReturnType<typeof serveApp>>;
let other: Awaited<ReturnType<typeof serveApp>>;
let receiptFile: string;
let redemptionId: string;

beforeAll(async () => {
  issuing = await gatewayOn(demo());
  twin = await gatewayOn(demo());
  other = await gatewayOn({
    ...demo(),
    gateway: { ...demo().gateway, id: "https://other.example" },
  });
  const dir = mkdtempSync(join(tmpdir(), "oct-receipt-"));
  const tokenFile = join(dir, "token.jwt");
  const minted = await run(
    "mint",
    "--key",
    join(ROOT, "config/demo/keys/carrier-a.private.jwk.json"),
    "--iss",
    "https://tokens.carrier-a.example",
    "--sub",
    "acct-r",
    "--amount",
    "100",
    "--unit",
    "gpu-second:h100-sxm",
  );
  writeFileSync(tokenFile, minted.stdout);
  const redeemed = await run(
    "redeem",
    "--token-file",
    tokenFile,
    "--provider",
    "carrier-b-edge",
    "--amount",
    "10",
    "--unit",
    "gpu-second:a100-sxm",
    "--gateway",
    issuing.url,
    "--json",
  );
  expect(redeemed.status).toBe(0);
  const redemption = JSON.parse(redeemed.stdout);
  redemptionId = redemption.id;
  receiptFile = join(dir, "receipt.jwt");
  writeFileSync(receiptFile, redemption.receipt);
});

afterAll(async () => {
  for (const server of [issuing, twin, other]) await server?.close();
});

const verifyAt = (url: string) =>
  run("receipt", "verify", "--receipt-file", receiptFile, "--gateway", url);

describe("oct receipt verify", () => {
  it("verifies a receipt at the gateway that issued it", async () => {
    const verified = await verifyAt(issuing.url);
    expect(verified.status).toBe(0);
    expect(verified.stdout).toContain("committed");
  });

  it("at a gateway with the same id and keys but not the redemption, says so", async () => {
    const refused = await verifyAt(twin.url);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      `not_found: the receipt verifies with the keys of http://localhost:8787, but the gateway at ${twin.url} has no redemption ${redemptionId}: the redemption was not made at this gateway`,
    );
  });

  it("at another gateway, names the receipt's issuer", async () => {
    const refused = await verifyAt(other.url);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      `claims_invalid: the receipt's iss is http://localhost:8787, another gateway than the one at ${other.url} (gateway.id https://other.example)`,
    );
    expect(refused.stderr).toContain("--gateway http://localhost:8787");
  });
});
