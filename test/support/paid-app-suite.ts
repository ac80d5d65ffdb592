/**
 * @module A paid app and its gateway, end to end (`spec/oct.md` §16),
 * written once and run on both runtimes: the app (Hono with `octPayment`)
 * calls the gateway app in the same process through its `fetch`, the
 * gateway's ledger being SQLite on Node and Durable Objects in workerd.
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { createLocalJWKSet, jwtVerify } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { octPayment, RECEIPT_HEADER, type OctPaymentEnv } from "../../src/app/middleware.ts";
import type { OctPaymentOptions } from "../../src/app/options.ts";
import { GatewayApi, GatewayRefusal } from "../../src/client/gateway.ts";
import { payingFetch, receiptOf, type ProofRequest } from "../../src/client/paying-fetch.ts";
import {
  createHolderProof,
  generateHolderKey,
  holderThumbprint,
} from "../../src/core/holder/build.ts";
import * as clientPackage from "../../src/exports/client.ts";
import * as honoPackage from "../../src/exports/hono.ts";
import type { NetworkDocument, Network } from "../../src/core/network/config.ts";
import { challengeOf } from "../../src/core/payment/challenge.ts";
import { validateProblem } from "../../src/generated/validators.js";
import { publicJwks } from "../../src/core/signing/keys.ts";
import { claims, EDGE_TARIFF, mintToken, NOW_SECONDS, type TestKeys } from "./network.ts";

export interface PaidAppHarness {
  /** The gateway app: `app.request` serves any URL given to it. */
  app: { request(input: string | Request | URL, init?: RequestInit): Response | Promise<Response> };
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  keys: TestKeys;
  network: Network;
  /** Runs recovery of lapsed holds as the runtime does, at `now`. */
  recover(now: number): Promise<void>;
}

export type MakePaidAppHarness = (options: {
  clock: { now(): number };
  network: Partial<NetworkDocument>;
}) => Promise<PaidAppHarness>;

const GATEWAY = "https://gw.test.example";
const H100 = "gpu-second:h100-sxm";
const LLM = "inference-token:llm-large";
/** One H100 second of carrier A is worth 4 large-model tokens at cloud-c. */
const CLOUD_TARIFF = {
  carrier: "carrier-a",
  from: H100,
  provider: "cloud-c",
  to: LLM,
  rate: "4",
  valid_from: "2026-01-01T00:00:00Z",
};

type Json = Record<string, any>;
const json = async (response: Response) => (await response.json()) as Json;

export function definePaidAppSuite(make: MakePaidAppHarness): void {
  const clock = {
    t: NOW_SECONDS * 1000,
    now() {
      return this.t;
    },
  };
  let gw: PaidAppHarness;
  /** The app's way to its gateway, through which every call of the app is seen. */
  let toGateway: typeof fetch;
  /** The paths the app called at the gateway, in order. */
  let gatewayCalls: string[];
  /** Set by a test: the gateway answers nothing to the paths it matches. */
  let unreachable: RegExp | undefined;

  beforeEach(async () => {
    clock.t = NOW_SECONDS * 1000;
    gatewayCalls = [];
    unreachable = undefined;
    gw = await make({ clock, network: { tariffs: [EDGE_TARIFF, CLOUD_TARIFF] } });
    toGateway = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const path = new URL(request.url).pathname;
      gatewayCalls.push(`${request.method} ${path}`);
      if (unreachable?.test(path)) throw new TypeError("fetch failed: connection refused");
      return gw.app.request(request);
    }) as typeof fetch;
  });

  const options = (extra: Partial<OctPaymentOptions> = {}): OctPaymentOptions => ({
    gateway: GATEWAY,
    provider: "cloud-c",
    price: { amount: "40", unit: LLM },
    accepts: [H100],
    fetch: (input, init) => toGateway(input, init),
    onError: () => {},
    ...extra,
  });

  /** A paid app: a text generator priced at `max_words` tokens, charged per word written. */
  function paidApp(extra: Partial<OctPaymentOptions> = {}) {
    const app = new Hono<OctPaymentEnv>();
    app.onError((error, c) => c.json({ error: error.message }, 500));
    const priced = octPayment(
      options({
        price: async (c) => {
          const { max_words } = (await c.req.json()) as { max_words: number };
          return { amount: String(max_words), unit: LLM };
        },
        ...extra,
      }),
    );
    app.post("/generate", priced, async (c) => {
      const ask = (await c.req.json()) as { words: number; fail?: boolean; status?: 422 };
      if (ask.fail) throw new Error("the model fell over");
      const oct = c.get("oct");
      for (let i = 0; i < ask.words; i++) oct.charge("1");
      return c.json(
        { text: "word ".repeat(ask.words).trim(), charged: oct.charged },
        ask.status ?? 200,
      );
    });
    app.get("/fixed", octPayment(options(extra)), (c) => c.text("paid"));
    app.post("/stream", priced, (c) =>
      streamSSE(c, async (stream) => {
        const { words } = (await c.req.json()) as { words: number };
        for (let i = 0; i < words && !stream.aborted; i++) {
          c.get("oct").charge("1");
          await stream.writeSSE({ event: "token", data: `word${i}` });
        }
        const settlement = await c.get("oct").settle();
        if (settlement.status === "captured")
          await stream.writeSSE({ event: "receipt", data: settlement.receipt });
      }),
    );
    return app;
  }

  /** A `fetch` that sends to an app in this process. */
  const sendTo = (app: Hono<OctPaymentEnv>) =>
    (async (input: RequestInfo | URL, init?: RequestInit) =>
      app.request(input as Request, init)) as typeof fetch;

  const tokenOf = async (amount = "1000") =>
    mintToken(claims({ oct: { ver: "0.1", amount, unit: H100 } }), gw.keys.eddsa);

  async function balance(token: string) {
    const response = await gw.post("/v1/balance", { token });
    expect(response.status).toBe(200);
    return json(response);
  }

  const generate = (body: Json, headers: Record<string, string> = {}) => ({
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

  /** A request paid with `token` at once (no challenge first), to a new paid app: GET without a body. */
  const paidRequest = (path: string, token: string, body?: Json) => {
    const authorization = { authorization: `OCT ${token}` };
    return paidApp().request(
      path,
      body ? generate(body, authorization) : { headers: authorization },
    );
  };

  describe("the challenge", () => {
    it("answers a request without a token 402 payment_required, the challenge in the header and the problem", async () => {
      const app = paidApp();
      const answer = await app.request("/generate", generate({ max_words: 64, words: 3 }));
      expect(answer.status).toBe(402);
      expect(answer.headers.get("content-type")).toBe("application/problem+json");
      const challenge = {
        gateway: GATEWAY,
        provider: "cloud-c",
        price: { amount: "64", unit: LLM },
        units: [H100],
      };
      expect(challengeOf(answer.headers.get("www-authenticate"))).toEqual(challenge);
      const problem = await json(answer);
      expect(validateProblem(problem)).toBe(true);
      expect(problem).toMatchObject({ status: 402, code: "payment_required", payment: challenge });
      // Nothing was asked of the gateway.
      expect(gatewayCalls).toEqual([]);
    });

    it("answers credentials of another scheme with the challenge too", async () => {
      const answer = await paidApp().request("/fixed", {
        headers: { authorization: "Bearer some-api-key" },
      });
      expect(answer.status).toBe(402);
      expect((await json(answer)).code).toBe("payment_required");
    });

    it("checks its options when created, naming the one at fault", () => {
      expect(() => octPayment(options({ gateway: "http://gw.example" }))).toThrow(
        /"gateway" http:\/\/gw.example: must use https/,
      );
      expect(() => octPayment(options({ provider: "Cloud C" }))).toThrow(/"provider"/);
      expect(() => octPayment(options({ price: { amount: "1.50", unit: LLM } }))).toThrow(
        /"price" amount "1.50" is not a positive amount in canonical form/,
      );
      expect(() =>
        octPayment(options({ price: { amount: "1", unit: "gpu-second:imaginary" } })),
      ).toThrow(/not in the unit registry/);
      expect(() => octPayment(options({ accepts: [] }))).toThrow(/"accepts"/);
      expect(() => octPayment(options({ accepts: [H100, H100] }))).toThrow(/twice/);
      expect(() => octPayment(options({ timeoutMs: 0 }))).toThrow(/"timeoutMs"/);
    });
  });

  describe("a paid request", () => {
    it("captures what the handler reported, answers the receipt and verifies it against the gateway's keys", async () => {
      const token = await tokenOf();
      const pay = payingFetch({ token, fetch: sendTo(paidApp()) });
      const answer = await pay("http://app.test/generate", generate({ max_words: 64, words: 12 }));
      expect(answer.status).toBe(200);
      expect(await json(answer)).toEqual({ text: Array(12).fill("word").join(" "), charged: "12" });

      const receipt = receiptOf(answer)!;
      expect(answer.headers.get(RECEIPT_HEADER)).toBe(receipt);
      const jwks = await json(await gw.app.request(`${GATEWAY}/.well-known/jwks.json`));
      const { payload } = await jwtVerify(receipt, createLocalJWKSet(jwks as never), {
        issuer: GATEWAY,
        typ: "oct-receipt+jwt",
      });
      expect(payload.oct_receipt).toMatchObject({
        provider: "cloud-c",
        credited: { amount: "12", unit: LLM },
        debited: { amount: "3", unit: H100 },
      });
      // 64 tokens (16 H100 seconds) were held; 12 (3 seconds) captured, the rest returned.
      expect(await balance(token)).toMatchObject({
        committed: { amount: "3" },
        reserved: { amount: "0" },
        remaining: { amount: "997" },
      });
      const stored = await json(await gw.app.request(`${GATEWAY}/v1/redemptions/${payload.jti}`));
      expect(stored).toMatchObject({
        status: "captured",
        credited: { amount: "12", unit: LLM },
        authorized: { credited: { amount: "64", unit: LLM } },
        receipt,
      });
      expect(gatewayCalls).toEqual([
        "POST /v1/redemptions",
        `POST /v1/redemptions/${payload.jti}/capture`,
        "GET /.well-known/oct-gateway",
        "GET /.well-known/jwks.json",
      ]);
    });

    it("captures the whole price when the handler reports nothing", async () => {
      const token = await tokenOf();
      const answer = await paidRequest("/fixed", token);
      expect(answer.status).toBe(200);
      expect(await answer.text()).toBe("paid");
      expect(answer.headers.get(RECEIPT_HEADER)).toMatch(/^ey/);
      expect((await balance(token)).committed.amount).toBe("10");
    });

    it("voids, and charges nothing, when the handler throws", async () => {
      const token = await tokenOf();
      const answer = await paidRequest("/generate", token, { max_words: 64, words: 5, fail: true });
      expect(answer.status).toBe(500);
      expect(answer.headers.get(RECEIPT_HEADER)).toBeNull();
      expect(gatewayCalls.at(-1)).toMatch(/^POST \/v1\/redemptions\/.+\/void$/);
      expect(await balance(token)).toMatchObject({
        committed: { amount: "0" },
        reserved: { amount: "0" },
      });
    });

    it("voids when the handler answers an error, its answer unchanged", async () => {
      const token = await tokenOf();
      const answer = await paidRequest("/generate", token, {
        max_words: 64,
        words: 5,
        status: 422,
      });
      expect(answer.status).toBe(422);
      expect((await json(answer)).charged).toBe("5");
      expect(gatewayCalls.at(-1)).toMatch(/\/void$/);
      expect((await balance(token)).committed.amount).toBe("0");
    });

    it("refuses a capture above the hold: the gateway with 422, the middleware before asking", async () => {
      const token = await tokenOf();
      const api = new GatewayApi(GATEWAY, { fetch: toGateway });
      const held = await api.authorize(
        { token, provider: "cloud-c", amount: "40", unit: LLM },
        "k-1",
      );
      const over = await api
        .capture(held.id, { amount: "40.000000000000000001", unit: LLM })
        .catch((e) => e);
      expect(over).toBeInstanceOf(GatewayRefusal);
      expect(over).toMatchObject({ status: 422, code: "capture_exceeds_authorization" });
      await api.void(held.id);

      // A handler reporting more than the price fails; nothing is charged.
      const answer = await paidRequest("/generate", token, { max_words: 4, words: 5 });
      expect(answer.status).toBe(500);
      expect(await balance(token)).toMatchObject({
        committed: { amount: "0" },
        reserved: { amount: "0" },
      });
    });

    it("withholds the answer when the capture cannot be made; the authorisation left open expires and releases", async () => {
      const token = await tokenOf();
      const ask = generate(
        { max_words: 64, words: 8 },
        {
          authorization: `OCT ${token}`,
          "idempotency-key": "order-1",
        },
      );
      unreachable = /\/(capture|void)$/;
      const answer = await paidApp().request("/generate", ask);
      expect(answer.status).toBe(503);
      expect(await json(answer)).toMatchObject({ code: "gateway_unavailable" });
      expect(answer.headers.get(RECEIPT_HEADER)).toBeNull();
      // Three tries, then the hold is left to its expiry.
      expect(gatewayCalls.filter((call) => call.endsWith("/capture"))).toHaveLength(3);
      expect(await balance(token)).toMatchObject({ reserved: { amount: "16" } });

      clock.t += 600_000;
      await gw.recover(clock.t);
      expect(await balance(token)).toMatchObject({
        committed: { amount: "0" },
        reserved: { amount: "0" },
        remaining: { amount: "1000" },
      });
      // The same request again finds its authorisation expired: nothing served, nothing paid.
      unreachable = undefined;
      const again = await paidApp().request("/generate", ask);
      expect(again.status).toBe(409);
      expect(await json(again)).toMatchObject({ code: "authorization_expired" });
    });

    it("passes the gateway's refusal of a token on, with the challenge naming the code", async () => {
      const expired = await mintToken(
        claims({ exp: NOW_SECONDS - 120, iat: NOW_SECONDS - 600, nbf: NOW_SECONDS - 600 }),
        gw.keys.eddsa,
      );
      const answer = await paidRequest("/fixed", expired);
      expect(answer.status).toBe(401);
      expect(challengeOf(answer.headers.get("www-authenticate"))).toMatchObject({
        error: "token_expired",
        provider: "cloud-c",
      });
      expect(await json(answer)).toMatchObject({
        code: "token_expired",
        payment: { provider: "cloud-c" },
      });
    });

    it("answers 503 gateway_unavailable when the gateway cannot be reached", async () => {
      unreachable = /^\/v1\/redemptions$/;
      const answer = await paidRequest("/fixed", await tokenOf());
      expect(answer.status).toBe(503);
      expect(await json(answer)).toMatchObject({ code: "gateway_unavailable" });
    });

    it("answers 502 gateway_unavailable, and no receipt, when the receipt does not check out", async () => {
      const token = await tokenOf();
      // A gateway whose key set is another one: its receipts do not verify.
      const otherKeys = { keys: [{ ...publicJwks([gw.keys.es256]).keys[0], kid: "someone-else" }] };
      const app = paidApp({
        fetch: async (input, init) => {
          const request = new Request(input, init);
          if (new URL(request.url).pathname === "/.well-known/jwks.json")
            return Response.json(otherKeys);
          return toGateway(request);
        },
      });
      const answer = await app.request("/fixed", { headers: { authorization: `OCT ${token}` } });
      expect(answer.status).toBe(502);
      const text = await answer.text();
      expect(JSON.parse(text)).toMatchObject({ code: "gateway_unavailable" });
      expect(text).not.toContain("paid");
    });

    it("passes 503 ledger_busy on with its Retry-After: busy, retry after", async () => {
      const app = paidApp({
        fetch: async () =>
          Response.json(
            {
              type: "urn:oct:error:ledger_busy",
              title: "busy",
              status: 503,
              code: "ledger_busy",
              detail: "the ledger could not take the change within 2000 ms; nothing changed",
            },
            {
              status: 503,
              headers: { "retry-after": "2", "content-type": "application/problem+json" },
            },
          ),
      });
      const answer = await app.request("/fixed", {
        headers: { authorization: `OCT ${await tokenOf()}` },
      });
      expect(answer.status).toBe(503);
      expect(answer.headers.get("retry-after")).toBe("2");
      expect(answer.headers.get("www-authenticate")).toBeNull();
      expect(await json(answer)).toMatchObject({ code: "ledger_busy" });
    });

    it("refuses an Idempotency-Key outside the grammar with 400 request_invalid", async () => {
      const answer = await paidApp().request("/fixed", {
        headers: { authorization: `OCT ${await tokenOf()}`, "idempotency-key": "a,b" },
      });
      expect(answer.status).toBe(400);
      expect(await json(answer)).toMatchObject({ code: "request_invalid" });
      expect(gatewayCalls).toEqual([]);
    });
  });

  describe("a streamed answer", () => {
    it("is captured once, for what it streamed, its receipt sent as its last event", async () => {
      const token = await tokenOf();
      const answer = await paidRequest("/stream", token, { max_words: 64, words: 6 });
      expect(answer.status).toBe(200);
      const text = await answer.text();
      expect(text.match(/event: token/g)).toHaveLength(6);
      const receipt = /event: receipt\ndata: (\S+)/.exec(text)?.[1];
      expect(receipt).toMatch(/^ey/);
      expect(gatewayCalls.filter((call) => call.endsWith("/capture"))).toHaveLength(1);
      expect(await balance(token)).toMatchObject({
        committed: { amount: "1.5" },
        reserved: { amount: "0" },
      });
    });

    it("settles what was streamed when the client goes away", async () => {
      const token = await tokenOf();
      const answer = await paidRequest("/stream", token, { max_words: 64, words: 40 });
      const reader = answer.body!.getReader();
      await reader.read();
      await reader.cancel();
      // The cancel settles what was charged by then, once.
      await expect.poll(async () => (await balance(token)).reserved.amount).toBe("0");
      const { committed } = await balance(token);
      expect(Number(committed.amount)).toBeGreaterThan(0);
      expect(Number(committed.amount)).toBeLessThanOrEqual(10);
      expect(gatewayCalls.filter((call) => /\/(capture|void)$/.test(call))).toHaveLength(1);
    });
  });

  describe("a budget under concurrency", () => {
    it("lets exactly 30 of 100 concurrent requests through on a token worth 30; the others get 402 insufficient_balance", async () => {
      const token = await tokenOf("300"); // 30 requests of 40 tokens, 10 H100 seconds each
      const app = paidApp();
      const pay = payingFetch({ token, fetch: sendTo(app) });
      const answers = await Promise.all(
        Array.from({ length: 100 }, () => pay("http://app.test/fixed")),
      );
      const paid = answers.filter((a) => a.status === 200);
      const refused = answers.filter((a) => a.status === 402);
      expect(paid).toHaveLength(30);
      expect(refused).toHaveLength(70);
      for (const answer of refused) {
        expect(challengeOf(answer.headers.get("www-authenticate"))?.error).toBe(
          "insufficient_balance",
        );
        expect((await json(answer)).code).toBe("insufficient_balance");
      }
      expect(new Set(paid.map(receiptOf)).size).toBe(30);
      expect(await balance(token)).toMatchObject({
        face_value: { amount: "300" },
        committed: { amount: "300" },
        reserved: { amount: "0" },
        remaining: { amount: "0" },
      });
    });
  });

  describe("the paying client", () => {
    it("answers a challenge once and never loops, whatever the second answer", async () => {
      let sent = 0;
      const alwaysChallenges = paidApp();
      const pay = payingFetch({
        token: await tokenOf(),
        fetch: async (input, init) => {
          sent++;
          const request = new Request(input, init);
          // The app asks again even when paid: the client returns that answer.
          request.headers.delete("authorization");
          return alwaysChallenges.request(request);
        },
      });
      const answer = await pay("http://app.test/fixed");
      expect(answer.status).toBe(402);
      expect(sent).toBe(2);
    });

    it("never pays twice for one request: a retry with its key finds the payment", async () => {
      const token = await tokenOf();
      const app = paidApp();
      let lose = true;
      const pay = payingFetch({
        token,
        idempotencyKey: () => "order-7",
        fetch: async (input, init) => {
          const answer = await app.request(input as Request, init);
          // The paid answer is lost on its way back, once.
          if (answer.status === 200 && lose) {
            lose = false;
            throw new TypeError("fetch failed: connection reset");
          }
          return answer;
        },
      });
      const ask = generate({ max_words: 64, words: 10 });
      await expect(pay("http://app.test/generate", ask)).rejects.toThrow("connection reset");
      const retried = await pay("http://app.test/generate", {
        ...ask,
        headers: { ...ask.headers, "idempotency-key": "order-7" },
      });
      expect(retried.status).toBe(409);
      expect(await json(retried)).toMatchObject({ code: "authorization_captured" });
      expect((await balance(token)).committed.amount).toBe("2.5");
    });

    it("serves a retry whose first attempt was never settled, and charges it once", async () => {
      const token = await tokenOf();
      const ask = generate(
        { max_words: 64, words: 4 },
        {
          authorization: `OCT ${token}`,
          "idempotency-key": "order-8",
        },
      );
      unreachable = /\/(capture|void)$/;
      expect((await paidApp().request("/generate", ask)).status).toBe(503);
      unreachable = undefined;
      const again = await paidApp().request("/generate", ask);
      expect(again.status).toBe(200);
      expect(receiptOf(again)).toMatch(/^ey/);
      expect((await balance(token)).committed.amount).toBe("1");
      // The same key with another request is another payment.
      const other = await paidApp().request(
        "/generate",
        generate(
          { max_words: 64, words: 8 },
          { authorization: `OCT ${token}`, "idempotency-key": "order-8" },
        ),
      );
      expect(other.status).toBe(200);
      expect((await balance(token)).committed.amount).toBe("3");
    });

    it("does not pay a price above its budget, nor at a gateway it does not trust", async () => {
      const app = paidApp();
      const send = sendTo(app);
      const token = await tokenOf();
      const thrifty = payingFetch({ token, fetch: send, maxPrice: { amount: "39", unit: LLM } });
      expect((await thrifty("http://app.test/fixed")).status).toBe(402);
      const wary = payingFetch({ token, fetch: send, gateways: ["https://gw.other.example"] });
      expect((await wary("http://app.test/fixed")).status).toBe(402);
      expect(gatewayCalls).toEqual([]);
      const willing = payingFetch({
        token,
        fetch: send,
        maxPrice: { amount: "40", unit: LLM },
        gateways: [GATEWAY],
      });
      expect((await willing("http://app.test/fixed")).status).toBe(200);
    });
  });

  describe("a token bound to its holder (spec §16.6)", () => {
    it("is paid through the package's payingFetch with a proof for the authorisation; refused with holder_proof_missing without one", async () => {
      // What the package entry points ship is what is tested here.
      expect(clientPackage.payingFetch).toBe(payingFetch);
      expect(honoPackage.octPayment).toBe(octPayment);
      const holder = await generateHolderKey();
      const token = await mintToken(
        claims({
          cnf: { jkt: await holderThumbprint(holder) },
          oct: { ver: "0.1", amount: "1000", unit: H100 },
        }),
        gw.keys.eddsa,
      );
      const app = paidApp();
      const body = generate({ max_words: 64, words: 12 });

      const unproven = await clientPackage.payingFetch({ token, fetch: sendTo(app) })(
        "http://app.test/generate",
        body,
      );
      expect(unproven.status).toBe(401);
      expect((await json(unproven)).code).toBe("holder_proof_missing");

      const asked: ProofRequest[] = [];
      const pay = clientPackage.payingFetch({
        token,
        fetch: sendTo(app),
        proof: (request) => {
          asked.push(request);
          return createHolderProof({
            key: holder,
            method: "POST",
            url: clientPackage.authorizationUrlOf(request.challenge),
            token: request.token,
            now: Math.floor(clock.now() / 1000),
          });
        },
      });
      const answer = await pay("http://app.test/generate", body);
      expect(answer.status).toBe(200);
      expect(await json(answer)).toMatchObject({ charged: "12" });
      expect(receiptOf(answer)).toMatch(/^ey/);
      // One proof, for the paid request, made for the gateway's /v1/redemptions, not the app.
      expect(asked).toHaveLength(1);
      expect(clientPackage.authorizationUrlOf(asked[0]!.challenge)).toBe(
        `${GATEWAY}/v1/redemptions`,
      );
      const read = await gw.post(
        "/v1/balance",
        { token },
        {
          dpop: await createHolderProof({
            key: holder,
            method: "POST",
            url: `${GATEWAY}/v1/balance`,
            token,
            now: Math.floor(clock.now() / 1000),
          }),
        },
      );
      expect(await json(read)).toMatchObject({
        committed: { amount: "3" },
        reserved: { amount: "0" },
      });
    });
  });
}
