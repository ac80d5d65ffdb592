/**
 * @module The redemption contract, written once and run on both runtimes:
 * Node (SQLite ledger) and workerd (Durable Object ledger). Same
 * invariants, same tests (`spec/oct.md` §8).
 */
import fc from "fast-check";
import { compactVerify, createLocalJWKSet, jwtVerify } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { fingerprint } from "../../src/core/redemption/fingerprint.ts";
import { tokenKeyOf } from "../../src/core/redemption/record.ts";
import type { NetworkDocument, Network } from "../../src/core/network/config.ts";
import type { Ledger } from "../../src/ports/ledger.ts";
import { asParty, claims, EDGE_TARIFF, mintToken, NOW_SECONDS, type TestKeys } from "./network.ts";
import { redemptionRecord } from "./redemption-record.ts";

export interface RedemptionHarness {
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  redeem(body: unknown, key: string): Promise<Response>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  keys: TestKeys;
  network: Network;
  ledger: Ledger;
  /** Runs recovery of lapsed reservations and the purge of expired quotes as the runtime does, at `now`. */
  recover(now: number): Promise<void>;
}

export type MakeHarness = (options: {
  clock: { now(): number };
  network: Partial<NetworkDocument>;
  fetch: typeof fetch;
}) => Promise<RedemptionHarness>;

const WEBHOOK_URL = "https://provider.cloud-c.example/redeem";

export function defineRedemptionSuite(make: MakeHarness): void {
  /** A clock the tests move. */
  const clock = {
    t: NOW_SECONDS * 1000,
    now() {
      return this.t;
    },
  };
  let gw: RedemptionHarness;

  /** The provider webhook: its answer is set by each test. */
  let webhookAnswer: (signal: AbortSignal) => Promise<Response> = async () =>
    new Response(null, { status: 204 });
  const webhookBodies: string[] = [];
  const fakeFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    expect(String(input)).toBe(WEBHOOK_URL);
    expect(new Headers(init?.headers).get("content-type")).toBe("application/oct-receipt+jwt");
    webhookBodies.push(String(init?.body));
    return webhookAnswer(init!.signal!);
  }) as typeof fetch;

  beforeEach(async () => {
    clock.t = NOW_SECONDS * 1000;
    webhookBodies.length = 0;
    webhookAnswer = async () => new Response(null, { status: 204 });
    gw = await make({
      clock,
      fetch: fakeFetch,
      network: {
        providers: [
          { id: "carrier-b-edge", adapter: "ledger", units: ["gpu-second:a100-sxm"] },
          {
            id: "cloud-c",
            adapter: "webhook",
            endpoint: WEBHOOK_URL,
            timeout_ms: 300,
            units: ["inference-token:llm-large"],
          },
        ],
        tariffs: [
          EDGE_TARIFF,
          {
            carrier: "carrier-a",
            from: "gpu-second:h100-sxm",
            provider: "cloud-c",
            to: "inference-token:llm-large",
            rate: "3",
            valid_from: "2026-01-01T00:00:00Z",
          },
        ],
      },
    });
  });

  const A100 = "gpu-second:a100-sxm";
  const H100 = "gpu-second:h100-sxm";
  const ask = (token: string, extra: Record<string, unknown> = {}) => ({
    token,
    provider: "carrier-b-edge",
    amount: "100",
    unit: A100,
    ...extra,
  });
  const json = async (response: Response) => (await response.json()) as Record<string, any>;

  async function balance(token: string) {
    const response = await gw.post("/v1/balance", { token });
    expect(response.status).toBe(200);
    return json(response);
  }

  describe("POST /v1/redemptions", () => {
    it("redeems at the tariff, exactly, with a receipt any JOSE library verifies against the served JWKS", async () => {
      const token = await mintToken(claims(), gw.keys.eddsa);
      const response = await gw.redeem(ask(token), "key-1");
      expect(response.status).toBe(201);
      const body = await json(response);
      expect(body).toMatchObject({
        status: "committed",
        provider: "carrier-b-edge",
        debited: { amount: "40", unit: H100 },
        credited: { amount: "100", unit: A100 },
        remaining: { amount: "960.5", unit: H100 },
        tariff: { rate: "2.5" },
      });
      expect(response.headers.get("location")).toBe(`/v1/redemptions/${body.id}`);

      const jwks = await json(await gw.get("/.well-known/jwks.json"));
      expect(JSON.stringify(jwks)).not.toContain('"d"');
      const { payload, protectedHeader } = await jwtVerify(
        body.receipt,
        createLocalJWKSet(jwks as never),
        {
          typ: "oct-receipt+jwt",
          issuer: "https://gw.test.example",
        },
      );
      expect(protectedHeader.typ).toBe("oct-receipt+jwt");
      expect(payload).toMatchObject({
        jti: body.id,
        oct_receipt: {
          debited: { amount: "40" },
          credited: { amount: "100" },
          carrier: "carrier-a",
        },
      });

      const [h, p, s] = (body.receipt as string).split(".");
      const forged = Buffer.from(p!, "base64url")
        .toString()
        .replace('"amount":"100"', '"amount":"900"');
      await expect(
        compactVerify(
          `${h}.${Buffer.from(forged).toString("base64url")}.${s}`,
          createLocalJWKSet(jwks as never),
        ),
      ).rejects.toThrow();

      expect(await balance(token)).toMatchObject({
        face_value: { amount: "1000.5" },
        committed: { amount: "40" },
        reserved: { amount: "0" },
        remaining: { amount: "960.5" },
      });
      const stored = await json(await gw.get(`/v1/redemptions/${body.id}`));
      expect(stored).toMatchObject({
        id: body.id,
        status: "committed",
        receipt: body.receipt,
        remaining: { amount: "960.5" },
      });
    });

    it("replays the stored result for the same key and body, refuses another body with 409", async () => {
      const token = await mintToken(claims(), gw.keys.eddsa);
      const first = await json(await gw.redeem(ask(token), "same"));
      // the same body, written differently (member order, whitespace), is the same request
      const reordered = JSON.stringify(
        { unit: A100, amount: "100", provider: "carrier-b-edge", token },
        null,
        2,
      );
      const again = await gw.redeem(reordered, "same");
      expect(again.status).toBe(201);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect((await json(again)).id).toBe(first.id);
      const conflict = await gw.redeem(ask(token, { amount: "101" }), "same");
      expect(conflict.status).toBe(409);
      expect(await json(conflict)).toMatchObject({ code: "idempotency_conflict" });
      expect((await balance(token)).committed.amount).toBe("40");
      // A replay is the stored answer (spec §8.5), even after the balance moved on.
      expect((await gw.redeem(ask(token), "later")).status).toBe(201);
      expect(await json(await gw.redeem(ask(token), "same"))).toEqual(first);
    });

    it("requires an Idempotency-Key of the spec's grammar", async () => {
      const token = await mintToken(claims(), gw.keys.eddsa);
      const none = await gw.post("/v1/redemptions", ask(token));
      expect(none.status).toBe(400);
      expect(await json(none)).toMatchObject({ code: "idempotency_key_required" });
      const bad = await gw.redeem(ask(token), "k".repeat(256));
      expect(await json(bad)).toMatchObject({ code: "request_invalid" });
      expect((await balance(token)).committed.amount).toBe("0");
    });

    it("refuses an over-spend with 402 and leaves the balance as it was", async () => {
      const token = await mintToken(
        claims({ oct: { ver: "0.1", amount: "50", unit: H100 } }),
        gw.keys.eddsa,
      );
      expect((await gw.redeem(ask(token), "a")).status).toBe(201); // debit 40
      const over = await gw.redeem(ask(token, { amount: "25.000000000000000001" }), "b"); // debit 10.0000000000000000004 → ceil
      expect(over.status).toBe(402);
      expect(await json(over)).toMatchObject({ code: "insufficient_balance" });
      expect(await balance(token)).toMatchObject({
        committed: { amount: "40" },
        remaining: { amount: "10" },
      });
      expect((await gw.redeem(ask(token, { amount: "25" }), "c")).status).toBe(201); // exactly the rest
      expect((await balance(token)).remaining.amount).toBe("0");
    });

    it.each([
      [
        "constraint_violated",
        403,
        { oct: { ver: "0.1", amount: "100", unit: H100, redeem: { providers: ["cloud-c"] } } },
        {},
      ],
      [
        "constraint_violated",
        403,
        { oct: { ver: "0.1", amount: "100", unit: H100, redeem: { regions: ["eu-west"] } } },
        { region: "us-east" },
      ],
      [
        "constraint_violated",
        403,
        { oct: { ver: "0.1", amount: "100", unit: H100, redeem: { regions: ["eu-west"] } } },
        {},
      ],
      [
        "constraint_violated",
        403,
        { oct: { ver: "0.1", amount: "100", unit: H100, redeem: { workloads: ["training"] } } },
        { workload: "inference" },
      ],
      [
        "constraint_violated",
        403,
        { oct: { ver: "0.1", amount: "100", unit: H100, redeem: { max_per_redemption: "39.9" } } },
        {},
      ],
      ["no_tariff", 422, { oct: { ver: "0.1", amount: "100", unit: "gpu-second:l4" } }, {}],
      ["no_tariff", 422, {}, { unit: "pflop" }],
      ["provider_unknown", 422, {}, { provider: "nowhere" }],
      ["unit_unknown", 422, {}, { unit: "gpu-second:imaginary-9000" }],
      [
        "holder_proof_missing",
        401,
        { cnf: { jkt: "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I" } },
        {},
      ],
      ["request_invalid", 400, {}, { amount: "1.50" }],
      ["request_invalid", 400, {}, { surprise: true }],
      [
        "token_expired",
        401,
        { iat: NOW_SECONDS - 9000, nbf: undefined, exp: NOW_SECONDS - 3600 },
        {},
      ],
    ])(
      "refuses with %s (%i) and changes nothing",
      async (code, status, claimOverrides, askOverrides) => {
        const token = await mintToken(claims(claimOverrides as never), gw.keys.eddsa);
        const response = await gw.redeem(ask(token, askOverrides), "k");
        expect({ status: response.status, body: await json(response) }).toMatchObject({
          status,
          body: { code },
        });
        if (status === 401)
          // A refused holder proof names the DPoP scheme too (spec §6.6).
          expect(response.headers.get("www-authenticate")?.split(", DPoP ")[0]).toBe(
            `OCT error="${code}"`,
          );
        // An expired token has no balance to read, a bound one only with a
        // proof (the holder binding suite reads it so).
        const tokenOk = code !== "token_expired" && code !== "holder_proof_missing";
        if (tokenOk) expect((await balance(token)).reserved.amount).toBe("0");
        if (tokenOk) expect((await balance(token)).committed.amount).toBe("0");
      },
    );

    it("refuses a second token reusing an identity with another face value (spec §6.3)", async () => {
      const c = claims();
      await gw.redeem(ask(await mintToken(c, gw.keys.eddsa)), "x");
      const twin = await mintToken({ ...c, oct: { ...c.oct, amount: "999999" } }, gw.keys.eddsa);
      expect(await json(await gw.redeem(ask(twin), "y"))).toMatchObject({ code: "claims_invalid" });
      expect(await json(await gw.post("/v1/verify", { token: twin }))).toMatchObject({
        valid: false,
        error: "claims_invalid",
      });
    });

    it("no malformed request yields a 5xx or changes a balance", async () => {
      const token = await mintToken(claims(), gw.keys.eddsa);
      const good = ask(token);
      const broken = fc.oneof(
        fc.anything(),
        fc.record({
          token: fc.constant(token),
          provider: fc.string(),
          amount: fc.string(),
          unit: fc.string(),
        }),
        fc
          .tuple(fc.constantFrom(...Object.keys(good)), fc.anything())
          .map(([k, v]) => ({ ...good, [k]: v })),
        fc.constantFrom("{", "[]", "null", '{"token":1}', JSON.stringify(good).slice(0, 40)),
      );
      await fc.assert(
        fc.asyncProperty(broken, fc.string({ minLength: 1, maxLength: 8 }), async (body, key) => {
          const response = await gw.redeem(
            typeof body === "string" ? body : (JSON.stringify(body) ?? "null"),
            `p-${key}`,
          );
          expect(response.status).toBeLessThan(500);
          if (response.status !== 201) {
            expect((await balance(token)).reserved.amount).toBe("0");
          }
        }),
        { numRuns: 60 },
      );
    });

    it("200 concurrent redemptions at a token worth 50 of them: exactly 50 succeed, the balance ends at zero", async () => {
      const token = await mintToken(
        claims({ oct: { ver: "0.1", amount: "2000", unit: H100 } }),
        gw.keys.eddsa,
      );
      const responses = await Promise.all(
        Array.from({ length: 200 }, (_, i) => gw.redeem(ask(token), `c-${i}`)),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(50);
      expect(statuses.filter((s) => s === 402)).toHaveLength(150);
      expect(await balance(token)).toMatchObject({
        committed: { amount: "2000" },
        reserved: { amount: "0" },
        remaining: { amount: "0" },
      });
    });
  });

  describe("quotes", () => {
    it("quotes the debit and lets a redemption cite it until it expires", async () => {
      const token = await mintToken(claims(), gw.keys.eddsa);
      const response = await gw.post("/v1/quotes", {
        token,
        provider: "carrier-b-edge",
        amount: "100",
        unit: A100,
      });
      expect(response.status).toBe(201);
      const quote = await json(response);
      expect(quote).toMatchObject({
        debit: { amount: "40", unit: H100 },
        credit: { amount: "100", unit: A100 },
        tariff: { rate: "2.5" },
      });
      expect(Date.parse(quote.expires_at)).toBe(clock.t + 300_000);
      expect(quote).not.toHaveProperty("tokenKey");
      const redeemed = await gw.redeem(ask(token, { quote: quote.id }), "q1");
      expect(await json(redeemed)).toMatchObject({
        status: "committed",
        quote: quote.id,
        debited: { amount: "40" },
      });

      const mismatch = await gw.redeem(ask(token, { quote: quote.id, amount: "10" }), "q2");
      expect(await json(mismatch)).toMatchObject({ code: "quote_invalid" });
      clock.t += 300_000;
      const expired = await gw.redeem(ask(token, { quote: quote.id }), "q3");
      expect({ status: expired.status, body: await json(expired) }).toMatchObject({
        status: 409,
        body: { code: "quote_expired" },
      });
    });

    it("a token holds at most quote_max_live_per_token (100) unexpired quotes: one more is 429 too_many_quotes with Retry-After, and changes nothing", async () => {
      const token = await mintToken(claims(), gw.keys.eddsa);
      const body = { token, provider: "carrier-b-edge", amount: "100", unit: A100 };
      const first = await json(await gw.post("/v1/quotes", body));
      clock.t += 60_000;
      for (let i = 1; i < 100; i++) expect((await gw.post("/v1/quotes", body)).status).toBe(201);
      const refused = await gw.post("/v1/quotes", body);
      expect({ status: refused.status, body: await json(refused) }).toMatchObject({
        status: 429,
        body: { code: "too_many_quotes", type: "urn:oct:error:too_many_quotes" },
      });
      // The earliest quote expires in 300 - 60 s.
      expect(refused.headers.get("retry-after")).toBe("240");
      expect(refused.headers.get("cache-control")).toBe("no-store");
      expect(await balance(token)).toMatchObject({
        committed: { amount: "0" },
        reserved: { amount: "0" },
      });
      // The earliest quote still redeems; once it expires, one more quote fits.
      expect((await gw.redeem(ask(token, { quote: first.id }), "q")).status).toBe(201);
      clock.t += 240_000;
      expect((await gw.post("/v1/quotes", body)).status).toBe(201);
      expect((await gw.post("/v1/quotes", body)).status).toBe(429);
    });

    it("an expired quote is deleted, and citing it is still 409 quote_expired", async () => {
      const c = claims();
      const token = await mintToken(c, gw.keys.eddsa);
      const body = { token, provider: "carrier-b-edge", amount: "100", unit: A100 };
      const quote = await json(await gw.post("/v1/quotes", body));
      const tokenKey = tokenKeyOf({ iss: c.iss, jti: c.jti });
      expect(await gw.ledger.getQuote(tokenKey, quote.id)).toMatchObject({ id: quote.id });
      clock.t += 300_000;
      await gw.recover(clock.t);
      expect(await gw.ledger.getQuote(tokenKey, quote.id)).toBeUndefined();
      const expired = await gw.redeem(ask(token, { quote: quote.id }), "late");
      expect({ status: expired.status, body: await json(expired) }).toMatchObject({
        status: 409,
        body: { code: "quote_expired" },
      });
      // An expired quote cited for another amount: expiry is told first.
      const other = await gw.redeem(ask(token, { quote: quote.id, amount: "10" }), "late-2");
      expect(await json(other)).toMatchObject({ code: "quote_expired" });
    });

    it("refuses a quote of another token", async () => {
      const one = await mintToken(claims(), gw.keys.eddsa);
      const other = await mintToken(claims(), gw.keys.eddsa);
      const quote = await json(
        await gw.post("/v1/quotes", {
          token: one,
          provider: "carrier-b-edge",
          amount: "100",
          unit: A100,
        }),
      );
      expect(await json(await gw.redeem(ask(other, { quote: quote.id }), "k"))).toMatchObject({
        code: "quote_invalid",
      });
    });
  });

  describe("providers", () => {
    const webhookAsk = (token: string) => ({
      token,
      provider: "cloud-c",
      amount: "30",
      unit: "inference-token:llm-large",
    });

    it("a webhook provider gets the receipt and its 2xx commits", async () => {
      const token = await mintToken(claims(), gw.keys.eddsa);
      const body = await json(await gw.redeem(webhookAsk(token), "w"));
      expect(body).toMatchObject({ status: "committed", debited: { amount: "10" } });
      expect(webhookBodies).toEqual([body.receipt]);
    });

    it("a refusal releases the reservation (502), and a retry gets the same answer", async () => {
      webhookAnswer = async () => new Response("no", { status: 500 });
      const token = await mintToken(claims(), gw.keys.eddsa);
      const first = await gw.redeem(webhookAsk(token), "w");
      expect({ status: first.status, body: await json(first) }).toMatchObject({
        status: 502,
        body: { code: "provider_unavailable" },
      });
      expect(await balance(token)).toMatchObject({
        committed: { amount: "0" },
        reserved: { amount: "0" },
      });
      webhookAnswer = async () => new Response(null, { status: 204 });
      const retry = await gw.redeem(webhookAsk(token), "w");
      expect(retry.status).toBe(502);
      expect(webhookBodies).toHaveLength(1);
    });

    it("a redirect is a refusal, never followed (502)", async () => {
      webhookAnswer = async () =>
        new Response(null, { status: 307, headers: { location: "https://elsewhere.example" } });
      const token = await mintToken(claims(), gw.keys.eddsa);
      expect((await gw.redeem(webhookAsk(token), "w")).status).toBe(502);
    });

    it("a timeout releases the reservation (503)", async () => {
      webhookAnswer = (signal) =>
        new Promise((_, reject) =>
          signal.addEventListener("abort", () => reject(new Error("aborted"))),
        );
      const token = await mintToken(claims(), gw.keys.eddsa);
      const response = await gw.redeem(webhookAsk(token), "w");
      expect({ status: response.status, body: await json(response) }).toMatchObject({
        status: 503,
        body: { code: "provider_unavailable" },
      });
      expect((await balance(token)).reserved.amount).toBe("0");
    });
  });

  describe("expiry and recovery", () => {
    /** Reserves as a gateway would, then "crashes": no provider call, no commit. */
    async function reserveAndCrash(idempotencyKey: string) {
      const c = claims();
      const token = await mintToken(c, gw.keys.eddsa);
      const body = ask(token);
      const tokenKey = tokenKeyOf({ iss: c.iss, jti: c.jti });
      const record = redemptionRecord(tokenKey, { iss: c.iss, jti: c.jti }, clock.t, {
        sub: c.sub,
        idempotencyKey,
        requestHash: await fingerprint(body),
      });
      const { id } = record;
      const outcome = await gw.ledger.reserve({ record, faceValue: c.oct.amount, now: clock.t });
      expect(outcome.kind).toBe("reserved");
      return { token, body, id };
    }

    it("a reservation left behind expires; recovery releases it; its key then answers reservation_expired", async () => {
      const { token, body, id } = await reserveAndCrash("crash");
      expect(await balance(token)).toMatchObject({
        reserved: { amount: "40" },
        remaining: { amount: "960.5" },
      });
      clock.t += 60_000;
      // Lapsed, it reads as released before recovery has run (spec §8.6).
      expect(await balance(token)).toMatchObject({
        reserved: { amount: "0" },
        remaining: { amount: "1000.5" },
      });
      await gw.recover(clock.t);
      expect(await balance(token)).toMatchObject({
        reserved: { amount: "0" },
        committed: { amount: "0" },
        remaining: { amount: "1000.5" },
      });
      const stored = await json(await gw.get(`/v1/redemptions/${id}`));
      expect(stored).toMatchObject({ status: "released" });
      expect(stored).not.toHaveProperty("receipt");
      const retry = await gw.redeem(body, "crash");
      expect({ status: retry.status, body: await json(retry) }).toMatchObject({
        status: 409,
        body: { code: "reservation_expired" },
      });
    });

    it("a retry of a reservation still in flight resumes it and commits once", async () => {
      const { token, body, id } = await reserveAndCrash("resume");
      const retry = await gw.redeem(body, "resume");
      expect(retry.status).toBe(201);
      expect(await json(retry)).toMatchObject({
        id,
        status: "committed",
        receipt: "receipt-made-at-reservation",
      });
      expect((await gw.redeem(body, "resume")).status).toBe(201);
      expect(await balance(token)).toMatchObject({
        committed: { amount: "40" },
        reserved: { amount: "0" },
      });
    });

    it("GET /v1/redemptions/{id} is 404 for unknown and malformed ids", async () => {
      expect((await gw.get("/v1/redemptions/nope")).status).toBe(404);
      expect((await gw.get(`/v1/redemptions/rd.${"A".repeat(43)}.${"B".repeat(22)}`)).status).toBe(
        404,
      );
    });
  });

  describe("authorise, then capture (spec §8.8)", () => {
    const authorize = (token: string, key: string, extra: Record<string, unknown> = {}) =>
      gw.redeem(ask(token, { capture: "manual", ...extra }), key);
    const capture = (id: string, amount: string, unit = A100) =>
      gw.post(`/v1/redemptions/${id}/capture`, { amount, unit });
    const voidIt = (id: string, body: unknown = "") => gw.post(`/v1/redemptions/${id}/void`, body);
    /** The token's committed and reserved amounts. */
    const totals = async (token: string) => {
      const { committed, reserved } = await balance(token);
      return [committed.amount, reserved.amount];
    };
    const refusal = async (response: Response) => ({
      status: response.status,
      body: await json(response),
    });
    /** Settlement entries of the test's own instant (each test has its own tokens, not its own period). */
    async function settled(from: number) {
      const report = await json(
        await gw.get(
          `/v1/settlements?from=${new Date(from).toISOString()}&to=${new Date(clock.t + 1).toISOString()}`,
          await asParty("operator:ops", gw.keys.operator, { now: clock.t / 1000 }),
        ),
      );
      return report.totals as Record<string, unknown>[];
    }

    it("a paid flow: the authorisation holds the debit, the capture commits less, returns the rest, with the receipt and settlement entry of the captured amounts", async () => {
      clock.t += 50 * 86400_000; // a settlement period of its own
      const now = clock.t / 1000;
      const token = await mintToken(claims({ iat: now, nbf: now, exp: now + 3600 }), gw.keys.eddsa);
      const created = await authorize(token, "auth-1");
      expect(created.status).toBe(201);
      const authorization = await json(created);
      expect(authorization).toMatchObject({
        status: "authorized",
        capture: "manual",
        debited: { amount: "40", unit: H100 },
        credited: { amount: "100", unit: A100 },
        authorized: { debited: { amount: "40" }, credited: { amount: "100" } },
        remaining: { amount: "960.5" },
        expires_at: new Date(clock.t + 600_000).toISOString(),
      });
      expect(authorization).not.toHaveProperty("receipt");
      expect(created.headers.get("location")).toBe(`/v1/redemptions/${authorization.id}`);
      expect(await balance(token)).toMatchObject({
        committed: { amount: "0" },
        reserved: { amount: "40" },
        remaining: { amount: "960.5" },
      });
      expect(await settled(clock.t - 1000)).toEqual([]);
      // The authorising request again: the same authorisation.
      const again = await authorize(token, "auth-1");
      expect(again.status).toBe(201);
      expect((await json(again)).id).toBe(authorization.id);

      clock.t += 30_000;
      const response = await capture(authorization.id, "60");
      expect(response.status).toBe(200);
      const captured = await json(response);
      expect(captured).toMatchObject({
        id: authorization.id,
        status: "captured",
        debited: { amount: "24", unit: H100 },
        credited: { amount: "60", unit: A100 },
        authorized: { debited: { amount: "40" }, credited: { amount: "100" } },
        remaining: { amount: "976.5" },
        captured_at: new Date(clock.t).toISOString(),
      });
      expect(await balance(token)).toMatchObject({
        committed: { amount: "24" },
        reserved: { amount: "0" },
        remaining: { amount: "976.5" },
      });
      const jwks = await json(await gw.get("/.well-known/jwks.json"));
      const { payload } = await jwtVerify(captured.receipt, createLocalJWKSet(jwks as never), {
        typ: "oct-receipt+jwt",
        issuer: "https://gw.test.example",
      });
      expect(payload).toMatchObject({
        jti: authorization.id,
        oct_receipt: { debited: { amount: "24" }, credited: { amount: "60" } },
      });
      expect(await settled(clock.t - 60_000)).toEqual([
        {
          carrier: "carrier-a",
          provider: "carrier-b-edge",
          unit: H100,
          debited: "24",
          credit_unit: A100,
          credited: "60",
          count: 1,
        },
      ]);
      // The same capture again: the stored result. Another amount, or a void: 409.
      const repeat = await capture(authorization.id, "60");
      expect(repeat.status).toBe(200);
      expect(repeat.headers.get("idempotent-replayed")).toBe("true");
      expect(await json(repeat)).toEqual(captured);
      expect(await refusal(await capture(authorization.id, "50"))).toMatchObject({
        status: 409,
        body: { code: "authorization_captured" },
      });
      expect(await refusal(await voidIt(authorization.id))).toMatchObject({
        status: 409,
        body: { code: "authorization_captured" },
      });
      expect(await json(await gw.get(`/v1/redemptions/${authorization.id}`))).toEqual(captured);
      expect((await balance(token)).committed.amount).toBe("24");
      expect(await settled(clock.t - 60_000)).toMatchObject([{ count: 1, debited: "24" }]);
    });

    it("a capture above the hold is refused and changes nothing; the whole authorised amount captures", async () => {
      const token = await mintToken(claims(), gw.keys.eddsa);
      const { id } = await json(await authorize(token, "a"));
      for (const amount of ["100.000000000000000001", "101"]) {
        expect(await refusal(await capture(id, amount))).toMatchObject({
          status: 422,
          body: { code: "capture_exceeds_authorization" },
        });
      }
      expect(await refusal(await capture(id, "60", H100))).toMatchObject({
        status: 400,
        body: { code: "request_invalid", errors: [{ pointer: "/unit" }] },
      });
      expect(await refusal(await capture(id, "0"))).toMatchObject({
        status: 400,
        body: { code: "request_invalid" },
      });
      expect(await totals(token)).toEqual(["0", "40"]);
      expect(await json(await capture(id, "100"))).toMatchObject({
        status: "captured",
        debited: { amount: "40" },
      });
      expect(await totals(token)).toEqual(["40", "0"]);
    });

    it("a capture is converted at the authorisation's tariff, rounded against the holder", async () => {
      const token = await mintToken(claims(), gw.keys.eddsa);
      const { id } = await json(await authorize(token, "r"));
      // 0.000000000000000001 ÷ 2.5 = 0.0000000000000000004: rounded up to one atto-unit.
      expect(await json(await capture(id, "0.000000000000000001"))).toMatchObject({
        debited: { amount: "0.000000000000000001" },
        credited: { amount: "0.000000000000000001" },
        remaining: { amount: "1000.499999999999999999" },
      });
    });

    it("void returns everything, idempotently; nothing can be captured after it", async () => {
      const token = await mintToken(claims(), gw.keys.eddsa);
      const { id } = await json(await authorize(token, "v"));
      const voided = await voidIt(id);
      expect(voided.status).toBe(200);
      const body = await json(voided);
      expect(body).toMatchObject({ status: "voided", remaining: { amount: "1000.5" } });
      expect(body).not.toHaveProperty("receipt");
      expect(await balance(token)).toMatchObject({
        committed: { amount: "0" },
        reserved: { amount: "0" },
        remaining: { amount: "1000.5" },
      });
      // Again, with the empty object as body this time: the voided authorisation.
      const again = await voidIt(id, {});
      expect(again.status).toBe(200);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(await json(again)).toEqual(body);
      expect(await refusal(await capture(id, "10"))).toMatchObject({
        status: 409,
        body: { code: "authorization_voided" },
      });
      expect(await refusal(await voidIt(id, { amount: "1" }))).toMatchObject({
        status: 400,
        body: { code: "request_invalid" },
      });
      expect((await balance(token)).committed.amount).toBe("0");
    });

    it("an authorisation left open expires and releases itself; capture and void then answer authorization_expired", async () => {
      const token = await mintToken(claims(), gw.keys.eddsa);
      const { id } = await json(await authorize(token, "e"));
      clock.t += 600_000;
      // Lapsed, it reads as released before recovery has run (spec §8.6).
      expect(await balance(token)).toMatchObject({
        reserved: { amount: "0" },
        remaining: { amount: "1000.5" },
      });
      expect(await json(await gw.get(`/v1/redemptions/${id}`))).toMatchObject({
        status: "expired",
      });
      await gw.recover(clock.t);
      expect(await json(await gw.get(`/v1/redemptions/${id}`))).toMatchObject({
        status: "expired",
        remaining: { amount: "1000.5" },
      });
      expect(await refusal(await capture(id, "10"))).toMatchObject({
        status: 409,
        body: { code: "authorization_expired" },
      });
      expect(await refusal(await voidIt(id))).toMatchObject({
        status: 409,
        body: { code: "authorization_expired" },
      });
      expect(await totals(token)).toEqual(["0", "0"]);
    });

    it("capture and void know only authorisations: 404 for a redemption captured at once, or an unknown id", async () => {
      const token = await mintToken(claims(), gw.keys.eddsa);
      const { id } = await json(await gw.redeem(ask(token), "auto"));
      const unknown = `rd.${"A".repeat(43)}.${"B".repeat(22)}`;
      for (const target of [id, unknown, "nope"]) {
        expect(await refusal(await capture(target, "10"))).toMatchObject({
          status: 404,
          body: { code: "not_found" },
        });
        expect(await refusal(await voidIt(target))).toMatchObject({
          status: 404,
          body: { code: "not_found" },
        });
      }
      expect((await balance(token)).committed.amount).toBe("40");
    });

    it("a webhook provider gets the receipt of the captured amounts; its failure leaves the authorisation open for the same capture, or a void", async () => {
      const token = await mintToken(claims(), gw.keys.eddsa);
      const webhook = { provider: "cloud-c", amount: "30", unit: "inference-token:llm-large" };
      const { id } = await json(await authorize(token, "w", webhook));
      expect(webhookBodies).toEqual([]); // an authorisation calls no provider
      webhookAnswer = async () => new Response("no", { status: 500 });
      expect(await refusal(await capture(id, "12", webhook.unit))).toMatchObject({
        status: 502,
        body: { code: "provider_unavailable" },
      });
      expect(await totals(token)).toEqual(["0", "10"]);
      // The capture asked for is fixed: another amount is refused while it is pending.
      expect(await refusal(await capture(id, "15", webhook.unit))).toMatchObject({
        status: 409,
        body: { code: "authorization_captured" },
      });
      webhookAnswer = async () => new Response(null, { status: 204 });
      const captured = await json(await capture(id, "12", webhook.unit));
      expect(captured).toMatchObject({ status: "captured", debited: { amount: "4" } });
      // Both calls carried the same receipt, the one the answer shows.
      expect(webhookBodies).toEqual([captured.receipt, captured.receipt]);
      expect(await totals(token)).toEqual(["4", "0"]);

      const other = await json(await authorize(token, "w2", webhook));
      webhookAnswer = async () => new Response("no", { status: 500 });
      expect((await capture(other.id, "3", webhook.unit)).status).toBe(502);
      expect(await json(await voidIt(other.id))).toMatchObject({ status: "voided" });
      expect(await totals(token)).toEqual(["4", "0"]);
    });

    it("100 concurrent authorisations against a token worth 30 of them: exactly 30 succeed, the rest 402; capturing them all never commits beyond the face value", async () => {
      const token = await mintToken(
        claims({ oct: { ver: "0.1", amount: "1200", unit: H100 } }),
        gw.keys.eddsa,
      );
      const responses = await Promise.all(
        Array.from({ length: 100 }, (_, i) => authorize(token, `budget-${i}`)),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(30);
      expect(statuses.filter((s) => s === 402)).toHaveLength(70);
      const refused = await Promise.all(responses.filter((r) => r.status === 402).map(json));
      expect(new Set(refused.map((body) => body.code))).toEqual(new Set(["insufficient_balance"]));
      expect(await balance(token)).toMatchObject({
        committed: { amount: "0" },
        reserved: { amount: "1200" },
        remaining: { amount: "0" },
      });
      const ids = await Promise.all(responses.filter((r) => r.status === 201).map(json));
      // Each captured in full, twice over, all at once.
      const captures = await Promise.all(
        [...ids, ...ids].map((authorization) => capture(authorization.id, "100")),
      );
      expect(captures.map((r) => r.status)).toEqual(captures.map(() => 200));
      expect(await balance(token)).toMatchObject({
        committed: { amount: "1200" },
        reserved: { amount: "0" },
        remaining: { amount: "0" },
      });
    });
  });

  describe("settlement", () => {
    /** A fresh operator credential at the test's clock (spec §7.13). */
    const operator = () => asParty("operator:ops", gw.keys.operator, { now: clock.t / 1000 });

    it("reports who owes whom, exactly, signed; and as CSV", async () => {
      // a period of its own: the settlement book may outlive one test
      clock.t += 40 * 86400_000;
      const now = clock.t / 1000;
      for (let i = 0; i < 3; i++) {
        const token = await mintToken(
          claims({ iat: now, nbf: now, exp: now + 3600 }),
          gw.keys.eddsa,
        );
        expect((await gw.redeem(ask(token, { amount: "0.1" }), "s")).status).toBe(201);
      }
      const from = new Date(clock.t - 1000).toISOString();
      const to = new Date(clock.t + 1000).toISOString();
      const response = await gw.get(`/v1/settlements?from=${from}&to=${to}`, await operator());
      expect(response.status).toBe(200);
      const report = await json(response);
      expect(report.totals).toEqual([
        {
          carrier: "carrier-a",
          provider: "carrier-b-edge",
          unit: H100,
          debited: "0.12",
          credit_unit: A100,
          credited: "0.3",
          count: 3,
        },
      ]);
      const jwks = await json(await gw.get("/.well-known/jwks.json"));
      const { payload, protectedHeader } = await compactVerify(
        report.signature,
        createLocalJWKSet(jwks as never),
      );
      expect(protectedHeader.typ).toBe("oct-settlement+jwt");
      const { signature: _, ...unsigned } = report;
      expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(unsigned);

      const csv = await (
        await gw.get(`/v1/settlements?from=${from}&to=${to}&format=csv`, await operator())
      ).text();
      expect(csv).toBe(
        "gateway,period_from,period_to,carrier,provider,unit,debited,credit_unit,credited,count\r\n" +
          `https://gw.test.example,${from},${to},carrier-a,carrier-b-edge,${H100},0.12,${A100},0.3,3\r\n`,
      );
      const empty = await json(
        await gw.get(`/v1/settlements?from=${to}&to=${to}`, await operator()),
      );
      expect(empty.totals).toEqual([]);
    });

    it.each([
      "",
      "?from=2026-01-01T00:00:00Z",
      "?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
      "?from=yesterday&to=2026-01-01T00:00:00Z",
      "?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&colour=red",
      "?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&format=xml",
    ])("refuses the query %j with request_invalid", async (query) => {
      const response = await gw.get(`/v1/settlements${query}`, await operator());
      expect({ status: response.status, body: await json(response) }).toMatchObject({
        status: 400,
        body: { code: "request_invalid" },
      });
    });
  });
}
