/**
 * @module `oct redeem --capture manual`, `oct capture`, `oct void` and `oct
 * pay` against the real Node gateway (demo network, its own SQLite file) and
 * a paid app served in this process: success, refusals shown as `code:
 * detail`, and the exit statuses scripts rely on.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { octPayment, type OctPaymentEnv } from "../../../src/app/middleware.ts";
import { main } from "../../../src/cli/main.ts";
import { capture } from "../../support/cli.ts";
import { ROOT, startNodeGateway, type Running } from "../../support/processes.ts";
import { serveApp } from "../../support/serve.ts";

const run = (...argv: string[]) => capture(main, argv);

const A100 = "gpu-second:a100-sxm";
const LLM = "inference-token:llm-large";

let gateway: Running;
let app: { url: string; close(): Promise<void> };
let dir: string;
let g: string[];

/** A fresh token of carrier `carrier` (demo keys) in a file. */
async function mintFile(
  carrier: "a" | "b",
  amount: string,
  unit: string,
  ...extra: string[]
): Promise<string> {
  const minted = await run(
    "mint",
    "--key",
    join(ROOT, `config/demo/keys/carrier-${carrier}.private.jwk.json`),
    "--iss",
    `https://tokens.carrier-${carrier}.example`,
    "--sub",
    "acct-pay",
    "--amount",
    amount,
    "--unit",
    unit,
    ...extra,
  );
  expect(minted.status, minted.stderr).toBe(0);
  const file = join(dir, `token-${Math.random().toString(36).slice(2)}.jwt`);
  writeFileSync(file, minted.stdout);
  return file;
}

async function committed(tokenFile: string, ...more: string[]): Promise<string> {
  const balance = await run("balance", "--token-file", tokenFile, ...more, ...g, "--json");
  expect(balance.status).toBe(0);
  return JSON.parse(balance.stdout).committed.amount;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "oct-cli-pay-"));
  gateway = await startNodeGateway({ OCT_DB: join(dir, "oct.db") });
  g = ["--gateway", gateway.url];
  // carrier-a-cloud sells large-model tokens: 1200 of them for one A100 second of carrier B.
  const paid = new Hono<OctPaymentEnv>();
  paid.post(
    "/v1/echo",
    octPayment({
      gateway: gateway.url,
      provider: "carrier-a-cloud",
      price: { amount: "120", unit: LLM },
      accepts: [A100],
    }),
    async (c) => {
      const { words } = (await c.req.json()) as { words: number };
      c.get("oct").charge(String(words));
      return c.json({ echoed: words });
    },
  );
  app = await serveApp(paid);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await gateway?.stop();
});

describe("oct redeem --capture manual, oct capture, oct void", () => {
  const ask = ["--provider", "carrier-b-edge", "--amount", "100", "--unit", A100];
  /** `oct redeem --capture manual` of 100 A100 seconds (40 of the token's H100 seconds). */
  const authorise = (token: string, ...more: string[]) =>
    run("redeem", "--token-file", token, ...ask, "--capture", "manual", ...g, ...more);

  it("authorises, captures part once, and says so; the receipt verifies as captured", async () => {
    const token = await mintFile("a", "100", "gpu-second:h100-sxm");
    const authorised = await authorise(token);
    expect(authorised.status, authorised.stderr).toBe(0);
    expect(authorised.stdout).toContain(
      "authorised 100 gpu-second:a100-sxm at carrier-b-edge: authorized",
    );
    expect(authorised.stdout).toMatch(/held\s+40 gpu-second:h100-sxm \(rate 2\.5\)/);
    const id = /redemption\s+(\S+)/.exec(authorised.stdout)![1]!;
    expect(authorised.stdout).toContain(`oct capture ${id} --amount 100 --unit ${A100}`);

    const captured = await run("capture", id, "--amount", "60", "--unit", A100, ...g, "--json");
    expect(captured.status, captured.stderr).toBe(0);
    const resource = JSON.parse(captured.stdout);
    expect(resource).toMatchObject({
      status: "captured",
      debited: { amount: "24" },
      credited: { amount: "60" },
      replayed: false,
    });
    expect(await committed(token)).toBe("24");

    const again = await run("capture", id, "--amount", "60", "--unit", A100, ...g);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("(already captured: nothing debited again)");
    const other = await run("capture", id, "--amount", "70", "--unit", A100, ...g);
    expect(other.status).toBe(1);
    expect(other.stderr).toContain("oct capture: authorization_captured:");
    const late = await run("void", id, ...g);
    expect(late.status).toBe(1);
    expect(late.stderr).toContain("oct void: authorization_captured:");

    const receiptFile = join(dir, "captured.jwt");
    writeFileSync(receiptFile, resource.receipt);
    const verified = await run("receipt", "verify", "--receipt-file", receiptFile, ...g);
    expect(verified.status, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/status\s+captured/);
  });

  it("voids, releasing the whole hold; a capture after it is refused", async () => {
    const token = await mintFile("a", "100", "gpu-second:h100-sxm");
    const authorised = await authorise(token, "--json");
    const { id } = JSON.parse(authorised.stdout);
    const voided = await run("void", id, ...g);
    expect(voided.status, voided.stderr).toBe(0);
    expect(voided.stdout).toContain(`voided ${id} at carrier-b-edge: voided, nothing debited`);
    expect(voided.stdout).toMatch(/released\s+40 gpu-second:h100-sxm/);
    expect(await committed(token)).toBe("0");
    const refused = await run("capture", id, "--amount", "1", "--unit", A100, ...g);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("authorization_voided:");
  });

  it("refuses a capture above the authorisation, and usage errors before any call", async () => {
    const token = await mintFile("a", "100", "gpu-second:h100-sxm");
    const { stdout } = await authorise(token, "--json");
    const over = await run(
      "capture",
      JSON.parse(stdout).id,
      "--amount",
      "101",
      "--unit",
      A100,
      ...g,
    );
    expect(over.status).toBe(1);
    expect(over.stderr).toContain("capture_exceeds_authorization:");
    expect(
      (await run("redeem", "--token-file", token, ...ask, "--capture", "later", ...g)).status,
    ).toBe(2);
    expect((await run("capture", "--amount", "1", "--unit", A100, ...g)).stderr).toContain(
      "--id is required",
    );
    expect((await run("capture", "x", "--amount", "1.50", "--unit", A100, ...g)).status).toBe(2);
  });
});

describe("oct pay", () => {
  const body = ["--data", '{"words":36}'];
  /** `oct pay` of the app's echo route with `token`. */
  const payEcho = (token: string, ...more: string[]) =>
    run("pay", `${app.url}/v1/echo`, "--token-file", token, ...more);

  it("pays when the app asks, prints its answer, and the receipt verified with the gateway's keys", async () => {
    const token = await mintFile("b", "1", A100);
    const paid = await payEcho(token, ...body, ...g);
    expect(paid.status, paid.stderr).toBe(0);
    expect(JSON.parse(paid.stdout)).toEqual({ echoed: 36 });
    expect(paid.stderr).toContain(
      `oct pay: paid 36 ${LLM} to carrier-a-cloud (0.03 ${A100} from the token); receipt `,
    );
    expect(paid.stderr).toContain(`verified with the keys of http://localhost:8787`);
    expect(paid.stderr).toMatch(/Idempotency-Key \S+ \(to retry safely/);
    expect(await committed(token)).toBe("0.03");
  });

  it("never pays twice for one key: a retry with it is refused, nothing debited again", async () => {
    const token = await mintFile("b", "1", A100);
    const key = ["--idempotency-key", "order-9"];
    const first = await payEcho(token, ...body, ...key, ...g, "--json");
    expect(first.status, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      status: 200,
      idempotency_key: "order-9",
      receipt: expect.stringMatching(/^ey/),
    });
    const again = await payEcho(token, ...body, ...key, ...g);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("oct pay: authorization_captured:");
    expect(await committed(token)).toBe("0.03");
  });

  it("does not pay above --max-price, nor at a gateway other than the one trusted", async () => {
    const token = await mintFile("b", "1", A100);
    const thrifty = await payEcho(token, ...body, "--max-price", `100 ${LLM}`, ...g);
    expect(thrifty.status).toBe(1);
    expect(thrifty.stderr).toContain(
      `payment_required: not paid: the price 120 ${LLM} is above the budget of 100`,
    );
    const wary = await payEcho(token, ...body, "--gateway", "https://gw.other.example");
    expect(wary.status).toBe(1);
    expect(wary.stderr).toContain(
      `not paid: the app redeems at ${gateway.url}, not at a gateway the holder pays at`,
    );
    expect(await committed(token)).toBe("0");
  });

  it("shows the app's refusal of a token over budget as code: detail", async () => {
    const token = await mintFile("b", "0.05", A100); // 60 tokens' worth, the price is 120
    const refused = await payEcho(token, ...body, ...g, "--json");
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("oct pay: insufficient_balance:");
    expect(JSON.parse(refused.stdout)).toMatchObject({
      status: 402,
      body: { code: "insufficient_balance" },
    });
  });

  it("pays with a bound token and --holder-key: the proof is made for the authorisation at the gateway", async () => {
    const holderKey = join(dir, "holder.private.jwk.json");
    expect((await run("keys", "generate", "--holder", "--out", holderKey)).status).toBe(0);
    const { d: _d, ...publicPart } = JSON.parse(readFileSync(holderKey, "utf8"));
    const publicHolder = join(dir, "holder.public.jwk.json");
    writeFileSync(publicHolder, JSON.stringify(publicPart));
    const token = await mintFile("b", "1", A100, "--holder-jwk", publicHolder);

    const unproven = await payEcho(token, ...body, ...g, "--json");
    expect(unproven.status).toBe(1);
    expect(unproven.stderr).toContain("oct pay: holder_proof_missing:");
    expect(JSON.parse(unproven.stdout)).toMatchObject({ body: { code: "holder_proof_missing" } });

    const paid = await payEcho(token, ...body, "--holder-key", holderKey, ...g);
    expect(paid.status, paid.stderr).toBe(0);
    expect(JSON.parse(paid.stdout)).toEqual({ echoed: 36 });
    expect(await committed(token, "--holder-key", holderKey)).toBe("0.03");

    const otherKey = join(dir, "other-holder.private.jwk.json");
    await run("keys", "generate", "--holder", "--alg", "ES256", "--out", otherKey);
    const stolen = await payEcho(token, ...body, "--holder-key", otherKey, ...g);
    expect(stolen.status).toBe(1);
    expect(stolen.stderr).toContain("oct pay: holder_key_mismatch:");
  });

  it("refuses usage errors before sending anything", async () => {
    const token = await mintFile("b", "1", A100);
    expect((await run("pay", "not-a-url", "--token-file", token)).status).toBe(2);
    expect((await run("pay", `${app.url}/v1/echo`, ...body)).stderr).toContain(
      "a token is required",
    );
    const price = await payEcho(token, "--max-price", "cheap");
    expect(price.status).toBe(2);
    const header = await payEcho(token, "--header", "Authorization: Bearer x");
    expect(header.stderr).toContain("the token goes with --token or --token-file");
  });
});
