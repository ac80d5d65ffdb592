/**
 * @module The `oct` commands that call a gateway, against the real Node
 * gateway (demo network, its own SQLite file): success, refusals shown as
 * `code: detail`, and the exit statuses scripts rely on.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.ts";
import { freePort, ROOT, startNodeGateway, type Running } from "../../support/processes.ts";
import { capture } from "../../support/cli.ts";

const run = (...argv: string[]) => capture(main, argv);

const CARRIER_A_KEY = join(ROOT, "config/demo/keys/carrier-a.private.jwk.json");
const OPERATOR_KEY = join(ROOT, "config/demo/keys/operator.private.jwk.json");
const EDGE_KEY = join(ROOT, "config/demo/keys/carrier-b-edge.private.jwk.json");
const AS_CARRIER_A = ["--party", "carrier:carrier-a", "--key", CARRIER_A_KEY];
const AS_OPERATOR = ["--party", "operator:ops", "--key", OPERATOR_KEY];
const A100 = "gpu-second:a100-sxm";

let gateway: Running;
let dir: string;
let tokenFile: string;

/** A fresh carrier A token of 100 gpu-second:h100-sxm, in a file; `extra` options for `oct mint`. */
async function mintFile(name: string, ...extra: string[]): Promise<string> {
  const minted = await run(
    "mint",
    "--key",
    CARRIER_A_KEY,
    "--iss",
    "https://tokens.carrier-a.example",
    "--sub",
    "acct-cli",
    "--amount",
    "100",
    "--unit",
    "gpu-second:h100-sxm",
    ...extra,
  );
  expect(minted.status).toBe(0);
  const file = join(dir, name);
  writeFileSync(file, minted.stdout);
  return file;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "oct-cli-gw-"));
  gateway = await startNodeGateway({ OCT_DB: join(dir, "oct.db") });
  tokenFile = await mintFile("token.jwt");
});

afterAll(async () => {
  await gateway?.stop();
});

describe("oct against a running gateway", () => {
  it("quotes, redeems exactly once, reports the balance", async () => {
    const g = ["--gateway", gateway.url];
    const ask = ["--provider", "carrier-b-edge", "--amount", "100", "--unit", A100];

    const quoted = await run("quote", "--token-file", tokenFile, ...ask, ...g, "--json");
    expect(quoted.status).toBe(0);
    const quote = JSON.parse(quoted.stdout);
    expect(quote.debit).toEqual({ amount: "40", unit: "gpu-second:h100-sxm" });

    const human = await run("quote", "--token-file", tokenFile, ...ask, ...g);
    expect(human.stdout).toContain("it costs  40 gpu-second:h100-sxm from the token");

    const key = ["--idempotency-key", "order-1", "--quote", quote.id];
    const first = await run("redeem", "--token-file", tokenFile, ...ask, ...key, ...g, "--json");
    expect(first.status).toBe(0);
    const redemption = JSON.parse(first.stdout);
    expect(redemption).toMatchObject({
      status: "committed",
      replayed: false,
      idempotency_key: "order-1",
    });
    expect(redemption.remaining).toEqual({ amount: "60", unit: "gpu-second:h100-sxm" });

    const replay = await run("redeem", "--token-file", tokenFile, ...ask, ...key, ...g);
    expect(replay.status).toBe(0);
    expect(replay.stdout).toContain(`redemption  ${redemption.id}`);
    expect(replay.stdout).toContain("replayed");

    const balance = await run("balance", "--token-file", tokenFile, ...g, "--json");
    expect(JSON.parse(balance.stdout).remaining).toEqual({
      amount: "60",
      unit: "gpu-second:h100-sxm",
    });
    expect((await run("balance", "--token-file", tokenFile, ...g)).stdout).toMatch(
      /committed +40 gpu-second:h100-sxm/,
    );
  });

  it("a token bound to a holder key: keys generate --holder, mint --holder-jwk, and --holder-key on quote, redeem and balance", async () => {
    const holderKey = join(dir, "holder.private.jwk.json");
    const generated = await run("keys", "generate", "--holder", "--out", holderKey, "--json");
    expect(generated.status).toBe(0);
    const { jkt } = JSON.parse(generated.stdout) as { jkt: string };
    const publicHolder = join(dir, "holder.public.jwk.json");
    const { d: _d, ...publicPart } = JSON.parse(readFileSync(holderKey, "utf8"));
    writeFileSync(publicHolder, JSON.stringify(publicPart));
    const bound = await mintFile("bound.jwt", "--holder-jwk", publicHolder);
    const claims = JSON.parse(
      Buffer.from(readFileSync(bound, "utf8").split(".")[1]!, "base64url").toString(),
    );
    expect(claims.cnf).toEqual({ jkt });
    const g = ["--gateway", gateway.url];
    const ask = ["--provider", "carrier-b-edge", "--amount", "10", "--unit", A100];
    const holder = ["--holder-key", holderKey];

    const refused = await run("balance", "--token-file", bound, ...g);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^oct balance: holder_proof_missing: /);
    expect((await run("quote", "--token-file", bound, ...ask, ...holder, ...g)).status).toBe(0);
    const redeemed = await run("redeem", "--token-file", bound, ...ask, ...holder, ...g, "--json");
    expect(redeemed.status).toBe(0);
    expect(JSON.parse(redeemed.stdout).remaining.amount).toBe("96");
    const balance = await run("balance", "--token-file", bound, ...holder, ...g, "--json");
    expect(JSON.parse(balance.stdout).remaining.amount).toBe("96");

    const hidden = await run("inspect", "--token-file", bound, ...g, "--json");
    expect(JSON.parse(hidden.stdout)).toMatchObject({ valid: true });
    expect(JSON.parse(hidden.stdout)).not.toHaveProperty("balance");
    const shown = await run("inspect", "--token-file", bound, ...holder, ...g, "--json");
    expect(JSON.parse(shown.stdout).balance.remaining.amount).toBe("96");

    const otherKey = join(dir, "other-holder.private.jwk.json");
    await run("keys", "generate", "--holder", "--alg", "ES256", "--out", otherKey);
    const stolen = await run(
      "redeem",
      "--token-file",
      bound,
      ...ask,
      "--holder-key",
      otherKey,
      ...g,
    );
    expect(stolen.status).toBe(1);
    expect(stolen.stderr).toMatch(/holder_key_mismatch: /);
  });

  it("generates and prints an Idempotency-Key when none is given", async () => {
    const file = await mintFile("token-generated-key.jwt");
    const ask = ["--provider", "carrier-b-edge", "--amount", "10", "--unit", A100];
    const { status, stdout, stderr } = await run(
      "redeem",
      "--token-file",
      file,
      ...ask,
      "--gateway",
      gateway.url,
      "--json",
    );
    expect(status).toBe(0);
    const key = JSON.parse(stdout).idempotency_key;
    expect(stderr).toContain(`--idempotency-key ${key}`);
  });

  it("shows a refusal as code: detail, exit status 1, and the problem under --json", async () => {
    const file = await mintFile("token-overspend.jwt");
    const args = [
      "redeem",
      "--token-file",
      file,
      "--provider",
      "carrier-b-edge",
      "--amount",
      "1000",
      "--unit",
      A100,
      "--idempotency-key",
      "too-much",
      "--gateway",
      gateway.url,
    ];
    const refused = await run(...args);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^oct redeem: insufficient_balance: the debit 400 exceeds/);
    const json = await run(...args, "--json");
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 402, code: "insufficient_balance" });

    const unknown = await run(
      "quote",
      "--token-file",
      file,
      "--provider",
      "nowhere",
      "--amount",
      "1",
      "--unit",
      A100,
      "--gateway",
      gateway.url,
    );
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("oct quote: provider_unknown: ");
  });

  it("verifies the settlement report's signature; CSV on request", async () => {
    const period = [
      "--from",
      "2026-01-01",
      "--to",
      "2099-01-01",
      "--gateway",
      gateway.url,
      ...AS_CARRIER_A,
    ];
    const json = await run("settlement", ...period, "--carrier", "carrier-a", "--json");
    expect(json.status).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.totals[0]).toMatchObject({ carrier: "carrier-a", provider: "carrier-b-edge" });
    expect(typeof report.signature).toBe("string");

    const human = await run("settlement", ...period);
    expect(human.stdout).toContain("signature verified: ES256 key");
    expect(human.stdout).toMatch(/carrier-a +carrier-b-edge/);

    const csv = await run("settlement", ...period, "--csv");
    expect(csv.stdout.split("\r\n")[0]).toBe(
      "gateway,period_from,period_to,carrier,provider,unit,debited,credit_unit,credited,count",
    );

    const bad = await run(
      "settlement",
      "--from",
      "2027-01-01",
      "--to",
      "2026-01-01",
      "--gateway",
      gateway.url,
      ...AS_OPERATOR,
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("request_invalid: from must not be later than to");
    expect((await run("settlement", "--from", "last week", "--to", "2026-01-01")).status).toBe(2);

    // Another carrier's lines are refused, never shown empty; and a party needs its key.
    const other = await run("settlement", ...period, "--carrier", "carrier-b");
    expect(other.status).toBe(1);
    expect(other.stderr).toContain("party_forbidden");
    const keyless = await run("settlement", "--from", "2026-01-01", "--to", "2099-01-01");
    expect(keyless.status).toBe(2);
    expect(keyless.stderr).toContain("--party is required");
    const wrongKey = await run(
      "settlement",
      ...period.slice(0, 6),
      "--party",
      "carrier:carrier-a",
      "--key",
      OPERATOR_KEY,
    );
    expect(wrongKey.status).toBe(1);
    expect(wrongKey.stderr).toContain("client_assertion_invalid");
  });

  it("lists a party's committed redemptions, page by page", async () => {
    const g = ["--gateway", gateway.url];
    const all = await run("redemptions", ...AS_OPERATOR, ...g, "--all", "--json");
    expect(all.status).toBe(0);
    const listed = JSON.parse(all.stdout) as { id: string; provider: string }[];
    expect(listed.length).toBeGreaterThan(0);
    const paged = await run("redemptions", ...AS_OPERATOR, ...g, "--limit", "1", "--json");
    const page = JSON.parse(paged.stdout);
    expect(page.redemptions.map((r: { id: string }) => r.id)).toEqual([listed[0]!.id]);
    expect(typeof page.next_cursor === "string").toBe(listed.length > 1);

    const edge = await run(
      "redemptions",
      "--party",
      "provider:carrier-b-edge",
      "--key",
      EDGE_KEY,
      ...g,
      "--all",
    );
    expect(edge.status).toBe(0);
    expect(edge.stdout).toMatch(/ carrier-b-edge /);
    expect(edge.stdout).not.toMatch(/ carrier-a-cloud /);
  });

  it("shows the metrics to an operator only", async () => {
    const g = ["--gateway", gateway.url];
    const shown = await run("metrics", ...AS_OPERATOR, ...g);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain("# TYPE oct_http_requests_total counter");
    const refused = await run("metrics", ...AS_CARRIER_A, ...g);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("party_forbidden");
  });

  it("verifies a receipt with the gateway's JWKS and confirms it is committed", async () => {
    const file = await mintFile("token-receipt.jwt");
    const redeemed = await run(
      "redeem",
      "--token-file",
      file,
      "--provider",
      "carrier-b-edge",
      "--amount",
      "5",
      "--unit",
      A100,
      "--gateway",
      gateway.url,
      "--json",
    );
    const { receipt, id } = JSON.parse(redeemed.stdout);
    const receiptFile = join(dir, "receipt.jwt");
    writeFileSync(receiptFile, receipt + "\n");

    const verified = await run(
      "receipt",
      "verify",
      "--receipt-file",
      receiptFile,
      "--gateway",
      gateway.url,
    );
    expect(verified.status).toBe(0);
    expect(verified.stdout).toContain(`receipt ${id}: signature verified (ES256 key`);
    expect(verified.stdout).toMatch(/status +committed/);

    const [h, p] = receipt.split(".");
    const forged = `${h}.${p}.${"A".repeat(86)}`;
    const refused = await run("receipt", "verify", "--receipt", forged, "--gateway", gateway.url);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("signature_invalid");
  });

  it("inspects a token online", async () => {
    const valid = await run(
      "inspect",
      "--token-file",
      tokenFile,
      "--gateway",
      gateway.url,
      "--json",
    );
    expect(valid.status).toBe(0);
    const inspection = JSON.parse(valid.stdout);
    expect(inspection.valid).toBe(true);
    expect(inspection.steps.map((s: { status: string }) => s.status)).toEqual(
      Array(9).fill("passed"),
    );

    const token = readFileSync(tokenFile, "utf8").trim();
    const [h, p] = token.split(".");
    const refused = await run("inspect", `${h}.${p}.${"A".repeat(86)}`, "--gateway", gateway.url);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain("FAILED       7  Signature: signature_invalid");
  });

  it("says clearly when the gateway cannot be reached or a file is missing", async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    for (const argv of [
      ["balance", "--token-file", tokenFile],
      ["quote", "--token-file", tokenFile, "--provider", "p", "--amount", "1", "--unit", A100],
      ["settlement", "--from", "2026-01-01", "--to", "2026-02-01", ...AS_OPERATOR],
      ["inspect", "--token-file", tokenFile],
    ]) {
      const { status, stderr } = await run(...argv, "--gateway", nobody);
      expect(status).toBe(1);
      expect(stderr).toContain(`cannot reach the gateway at ${nobody}: is it running? (npm start)`);
    }
    const missing = await run(
      "balance",
      "--token-file",
      "/no/such/token.jwt",
      "--gateway",
      gateway.url,
    );
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("cannot read token file /no/such/token.jwt");
    expect((await run("balance", "--gateway", gateway.url)).stderr).toContain(
      "a token is required",
    );
    expect((await run("balance", "--token-file", tokenFile, "--gateway", "ftp://x")).status).toBe(
      2,
    );
  });
});
