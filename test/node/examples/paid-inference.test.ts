/**
 * The example app (examples/paid-inference) in this process, paid at a
 * gateway app over a network where carrier A's A100 seconds buy
 * carrier-a-cloud's large-model tokens: its 402, a paid answer charged per
 * output token, a stream, and a bad request refused before any payment.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { detokenize, generate } from "../../../examples/paid-inference/generator.ts";
import { inferenceApp, UNIT } from "../../../examples/paid-inference/app.ts";
import { debitFor } from "../../../src/core/amount/convert.ts";
import { formatAmount, parseAmount } from "../../../src/core/amount/decimal.ts";
import { challengeOf } from "../../../src/core/payment/challenge.ts";
import { payingFetch, receiptOf } from "../../../src/client/paying-fetch.ts";
import { testGateway } from "../../support/gateway.ts";
import { claims, mintToken } from "../../support/network.ts";

const GATEWAY = "https://gw.test.example";
const A100 = "gpu-second:a100-sxm";

let gw: Awaited<ReturnType<typeof testGateway>>;
let app: ReturnType<typeof inferenceApp>;
let token: string;

beforeEach(async () => {
  gw = await testGateway({
    network: {
      providers: [{ id: "carrier-a-cloud", adapter: "ledger", units: [UNIT] }],
      tariffs: [
        {
          carrier: "carrier-a",
          from: A100,
          provider: "carrier-a-cloud",
          to: UNIT,
          rate: "1200",
          valid_from: "2026-01-01T00:00:00Z",
        },
      ],
    },
  });
  app = inferenceApp({
    gateway: GATEWAY,
    fetch: async (input, init) => gw.app.request(new Request(input, init)),
  });
  token = await mintToken(claims({ oct: { ver: "0.1", amount: "1", unit: A100 } }), gw.keys.eddsa);
});

const ask = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});
const pay = () =>
  payingFetch({ token, fetch: async (input, init) => app.request(input as Request, init) });

async function committed(): Promise<string> {
  const response = await gw.post("/v1/balance", { token });
  return ((await response.json()) as { committed: { amount: string } }).committed.amount;
}

describe("the generator", () => {
  it("answers a prompt always the same, within max_tokens, ending a sentence", () => {
    const tokens = generate("a haiku about prepaid compute", 256);
    expect(generate("a haiku about prepaid compute", 256)).toEqual(tokens);
    expect(tokens.length).toBeGreaterThanOrEqual(16);
    expect(tokens.length).toBeLessThan(64);
    expect(tokens.at(-1)).toBe(".");
    expect(generate("a haiku about prepaid compute", 5)).toHaveLength(5);
    expect(generate("another prompt", 256)).not.toEqual(tokens);
    expect(detokenize(["compute", "flows", ".", "the", "ledger", "."])).toBe(
      "Compute flows. The ledger.",
    );
  });
});

describe("the paid inference app", () => {
  it("answers 402 with its price, max_tokens tokens of carrier-a-cloud", async () => {
    const answer = await app.request("/v1/generate", ask({ prompt: "hello", max_tokens: 60 }));
    expect(answer.status).toBe(402);
    expect(challengeOf(answer.headers.get("www-authenticate"))).toEqual({
      gateway: GATEWAY,
      provider: "carrier-a-cloud",
      price: { amount: "60", unit: UNIT },
      units: [A100],
    });
  });

  it("charges the output tokens it answered, not the max_tokens it held", async () => {
    const answer = await pay()(
      "http://app.test/v1/generate",
      ask({ prompt: "hello", max_tokens: 200 }),
    );
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { text: string; usage: { output_tokens: number } };
    const tokens = generate("hello", 200);
    expect(body.text).toBe(detokenize(tokens));
    expect(body.usage.output_tokens).toBe(tokens.length);
    expect(receiptOf(answer)).toMatch(/^ey/);
    // n tokens at 1200 a second, rounded against the holder (spec §3.4).
    expect(await committed()).toBe(
      formatAmount(debitFor(parseAmount(String(tokens.length))!, parseAmount("1200")!)),
    );
  });

  it("streams the tokens and pays for those streamed, its receipt last", async () => {
    const answer = await pay()(
      "http://app.test/v1/generate",
      ask({ prompt: "hello", max_tokens: 12, stream: true }),
    );
    expect(answer.status).toBe(200);
    const text = await answer.text();
    expect(text.match(/event: token/g)).toHaveLength(12);
    expect(text).toMatch(/event: receipt\ndata: ey/);
    expect(await committed()).toBe("0.01");
  });

  it("refuses a bad request with 400 before anything is asked or paid", async () => {
    const answer = await pay()(
      "http://app.test/v1/generate",
      ask({ prompt: "", max_tokens: 9999 }),
    );
    expect(answer.status).toBe(400);
    expect(await committed()).toBe("0");
  });
});
