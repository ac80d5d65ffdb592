/**
 * @module The rules of `spec/oct.md` at the edges of the HTTP API, written
 * once and run through the app on both runtimes: request bodies (§7.1),
 * media types (§7.1), the Idempotency-Key field (§8.4), settlement
 * timestamps (§7.10), gateway ids that are not URLs (§5.2, §7.3) and
 * clients that go away mid-request.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { NetworkDocument } from "../../src/core/network/config.ts";
import type { Logger } from "../../src/gateway/env.ts";
import { asParty, claims, mintToken, NOW_SECONDS, type TestKeys } from "./network.ts";

export interface EdgeHarness {
  request(path: string, init?: RequestInit): Promise<Response>;
  keys: TestKeys;
}

export type MakeEdgeHarness = (options: {
  network?: Partial<NetworkDocument>;
  logger: Logger;
}) => Promise<EdgeHarness>;

const NOW_ISO = new Date(NOW_SECONDS * 1000).toISOString().replace(".000Z", "Z");

export function defineEdgeSuite(make: MakeEdgeHarness): void {
  let gw: EdgeHarness;
  const logged: string[] = [];
  const logger: Logger = { error: (message) => void logged.push(message) };

  beforeEach(async () => {
    logged.length = 0;
    gw = await make({ logger });
  });

  async function problemOf(response: Response) {
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const body = (await response.json()) as { code: string; detail: string };
    return { status: response.status, code: body.code, detail: body.detail };
  }

  /** Redeems 10 A100 seconds with a fresh token under `key`. */
  const redeem = async (key: string) =>
    gw.request("/v1/redemptions", {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify({
        token: await mintToken(claims(), gw.keys.eddsa),
        provider: "carrier-b-edge",
        amount: "10",
        unit: "gpu-second:a100-sxm",
      }),
    });

  const postBytes = (path: string, body: BodyInit, contentType = "application/json") =>
    gw.request(path, { method: "POST", headers: { "content-type": contentType }, body });

  describe("request bodies are UTF-8 JSON, refused rather than repaired (§7.1)", () => {
    it.each([
      ["a byte-order mark", new TextEncoder().encode('\ufeff{"token":"a.b.c"}')],
      [
        "invalid UTF-8",
        new Uint8Array([
          0x7b, 0x22, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d,
        ]),
      ],
      [
        "an encoded surrogate",
        new Uint8Array([...new TextEncoder().encode('{"token":"'), 0xed, 0xa0, 0x80, 0x22, 0x7d]),
      ],
      ["an escaped lone surrogate", new TextEncoder().encode('{"token":"a\\ud800b"}')],
      ["an escaped low surrogate first", new TextEncoder().encode('{"token":"\\udc00\\ud800"}')],
    ])("refuses %s with request_invalid", async (_, bytes) => {
      expect(await problemOf(await postBytes("/v1/verify", bytes))).toMatchObject({
        status: 400,
        code: "request_invalid",
      });
    });

    it("accepts an escaped surrogate pair", async () => {
      const response = await postBytes("/v1/verify", '{"token":"\\ud83d\\ude00"}');
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ valid: false, error: "token_malformed" });
    });
  });

  describe("the Content-Type is application/json with at most one charset, utf-8 (§7.1)", () => {
    it.each([
      ["a repeated charset", "application/json; charset=utf-8; charset=latin1"],
      ["a charset repeated with the same value", "application/json; charset=utf-8; charset=UTF-8"],
      ["an unknown parameter", "application/json; profile=x"],
      ["a malformed parameter", "application/json; charset"],
      ["another charset, quoted", 'application/json; charset="latin1"'],
      ["a suffix type", "application/json-seq"],
    ])("refuses %s with unsupported_media_type", async (_, type) => {
      expect(await problemOf(await postBytes("/v1/verify", '{"token":"x"}', type))).toMatchObject({
        status: 415,
        code: "unsupported_media_type",
      });
    });

    it.each([
      "application/json",
      "Application/JSON",
      "application/json;charset=utf-8",
      'application/json; charset="UTF-8"',
      "application/json ; charset=utf-8 ;",
    ])("accepts %s", async (type) => {
      expect((await postBytes("/v1/verify", '{"token":"x"}', type)).status).toBe(200);
    });
  });

  describe("one Idempotency-Key field (§8.4, §8.5)", () => {
    it("refuses a comma-joined value, as repeated fields arrive, with request_invalid", async () => {
      const problem = await problemOf(await redeem("order-1, order-2"));
      expect(problem).toMatchObject({ status: 400, code: "request_invalid" });
      expect(problem.detail).toMatch(/comma/);
    });
  });

  describe("settlement timestamps are real instants (§7.10)", () => {
    const report = async (from: string, to: string) =>
      gw.request(`/v1/settlements?from=${from}&to=${to}`, {
        headers: await asParty("operator:ops", gw.keys.operator),
      });

    it.each([
      ["February 30", "2026-02-30T00:00:00Z", "2026-03-01T00:00:00Z"],
      ["hour 24", "2026-01-01T24:00:00Z", "2026-01-03T00:00:00Z"],
      ["second 60", "2026-01-01T00:00:60Z", "2026-01-03T00:00:00Z"],
      ["month 13", "2026-13-01T00:00:00Z", "2027-01-03T00:00:00Z"],
      ["February 29 of a common year", "2027-02-29T00:00:00Z", "2027-03-03T00:00:00Z"],
      [
        "a from later than to by a fraction of a millisecond",
        "2026-01-01T00:00:00.0002Z",
        "2026-01-01T00:00:00.0001Z",
      ],
    ])("refuses %s with request_invalid", async (_, from, to) => {
      expect(await problemOf(await report(from, to))).toMatchObject({
        status: 400,
        code: "request_invalid",
      });
    });

    it("accepts February 29 of a leap year and an empty period", async () => {
      expect((await report("2028-02-29T00:00:00Z", "2028-03-01T00:00:00Z")).status).toBe(200);
      expect((await report(NOW_ISO, NOW_ISO)).status).toBe(200);
    });

    it("judges [from, to) to the digit given: an entry at .000 is before from .0001", async () => {
      expect((await redeem("edge-1")).status).toBe(201);
      const count = async (from: string, to: string) => {
        const body = (await (await report(from, to)).json()) as { totals: { count: number }[] };
        return body.totals.reduce((sum, total) => sum + total.count, 0);
      };
      const at = NOW_ISO.replace("Z", "");
      expect(await count(NOW_ISO, "2031-01-01T00:00:00Z")).toBe(1);
      expect(await count(`${at}.0001Z`, "2031-01-01T00:00:00Z")).toBe(0);
      expect(await count("2026-01-01T00:00:00Z", NOW_ISO)).toBe(0);
      expect(await count("2026-01-01T00:00:00Z", `${at}.000001Z`)).toBe(1);
    });
  });

  describe("a gateway id that is not a URL (§5.2, §7.3)", () => {
    it("serves its metadata, with jwks_uri at the URL the metadata was asked at", async () => {
      gw = await make({ logger, network: { gateway: { id: "urn:example:gateway-7" } } });
      const response = await gw.request("https://gw.internal.example/.well-known/oct-gateway");
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        gateway: "urn:example:gateway-7",
        jwks_uri: "https://gw.internal.example/.well-known/jwks.json",
      });
    });
  });

  describe("a client that goes away mid-request", () => {
    it("is neither logged as an error nor counted as a 500, but counted apart", async () => {
      const controller = new AbortController();
      let cut!: (error: Error) => void;
      const body = new ReadableStream<Uint8Array>({
        start(stream) {
          stream.enqueue(new TextEncoder().encode('{"token":"'));
          cut = (error) => stream.error(error);
        },
      });
      const answer = gw.request("/v1/verify", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal: controller.signal,
        duplex: "half",
      } as RequestInit);
      await new Promise((resolve) => setTimeout(resolve, 10));
      controller.abort();
      cut(new Error("the client closed the connection"));
      await answer.catch(() => undefined);
      const metrics = await (
        await gw.request("/metrics", { headers: await asParty("operator:ops", gw.keys.operator) })
      ).text();
      expect(metrics).not.toMatch(/status="500"/);
      expect(metrics).toMatch(
        /oct_http_client_aborts_total\{method="POST",route="\/v1\/verify"\} 1/,
      );
      expect(logged).toEqual([]);
    });
  });
}
