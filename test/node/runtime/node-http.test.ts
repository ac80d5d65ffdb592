/**
 * The Node server's own bounds and refusals, over real sockets against the
 * gateway served in this process as `npm start` serves it (small limits, so
 * the tests are quick): connections, header and request times, idle
 * connections, and problem documents for what node:http refuses itself.
 */
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { guardServer, httpServerOptions, type HttpLimits } from "../../../src/runtime/node-http.ts";
import { testGateway } from "../../support/gateway.ts";
import { asParty, claims, mintToken } from "../../support/network.ts";
import {
  converse,
  holdStalledConnections,
  parseAnswer,
  STALLED_POST,
} from "../../support/raw-http.ts";

const limits: HttpLimits = {
  http_max_connections: 4,
  http_headers_timeout_ms: 300,
  http_request_timeout_ms: 600,
  http_keep_alive_timeout_ms: 200,
};
const WEBHOOK_URL = "https://provider.cloud-c.example/redeem";
/** Longer than the request timeout: the timeout bounds receiving, not answering. */
const SLOW_PROVIDER_MS = 900;

let gw: Awaited<ReturnType<typeof testGateway>>;
let server: Server;
let port: number;
const logged: string[] = [];

beforeAll(async () => {
  const slowProvider = (async () => {
    await new Promise((resolve) => setTimeout(resolve, SLOW_PROVIDER_MS));
    return new Response(null, { status: 204 });
  }) as unknown as typeof fetch;
  gw = await testGateway({
    fetch: slowProvider,
    ports: { logger: { error: (message) => void logged.push(message) } },
    network: {
      providers: [
        {
          id: "cloud-c",
          adapter: "webhook",
          endpoint: WEBHOOK_URL,
          timeout_ms: 5000,
          units: ["inference-token:llm-large"],
        },
      ],
      tariffs: [
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
  await new Promise<void>((resolve) => {
    server = serve(
      {
        fetch: gw.app.fetch,
        port: 0,
        hostname: "127.0.0.1",
        serverOptions: httpServerOptions(limits),
      },
      (info) => {
        port = info.port;
        resolve();
      },
    ) as Server;
    guardServer(server, limits);
  });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => void (logged.length = 0));

function expectProblem(text: string, status: number, code: string) {
  const answer = parseAnswer(text);
  expect(answer.status).toBe(status);
  expect(answer.headers["content-type"]).toBe("application/problem+json");
  expect(answer.json).toMatchObject({ status, code, type: `urn:oct:error:${code}` });
  expect(answer.json?.request_id).toBe(answer.headers["x-request-id"]);
}

async function metrics(): Promise<string> {
  const headers = await asParty("operator:ops", gw.keys.operator);
  return (await fetch(`http://127.0.0.1:${port}/metrics`, { headers })).text();
}

describe("header and request times (http_headers_timeout_ms, http_request_timeout_ms)", () => {
  it("a connection that sends no header section is answered 408 request_timeout and closed", async () => {
    const { text, closedAfterMs } = await converse(port);
    expectProblem(text, 408, "request_timeout");
    expect(closedAfterMs).toBeGreaterThanOrEqual(limits.http_headers_timeout_ms - 50);
    expect(closedAfterMs).toBeLessThan(limits.http_request_timeout_ms + 1000);
  });

  it("a body that stops after one byte is cut at the request timeout, as a client abort, not a 500", async () => {
    const { text, closedAfterMs } = await converse(port, STALLED_POST);
    expectProblem(text, 408, "request_timeout");
    expect(closedAfterMs).toBeGreaterThanOrEqual(limits.http_request_timeout_ms - 50);
    expect(closedAfterMs).toBeLessThan(limits.http_request_timeout_ms + 1000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text2 = await metrics();
    expect(text2).not.toMatch(/status="500"/);
    expect(text2).toMatch(/oct_http_client_aborts_total\{method="POST",route="\/v1\/verify"\} \d+/);
    expect(logged).toEqual([]);
  });

  it("an answer slower than the request timeout is not cut", async () => {
    const token = await mintToken(claims(), gw.keys.eddsa);
    const started = Date.now();
    const response = await fetch(`http://127.0.0.1:${port}/v1/redemptions`, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": "slow-1" },
      body: JSON.stringify({
        token,
        provider: "cloud-c",
        amount: "30",
        unit: "inference-token:llm-large",
      }),
    });
    expect(response.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThan(limits.http_request_timeout_ms);
  });
});

describe("connections (http_max_connections, http_keep_alive_timeout_ms)", () => {
  it("closes the connections over the bound as they arrive, and serves again once they are gone", async () => {
    const held = await holdStalledConnections(port, limits.http_max_connections);
    try {
      const over = await converse(port, "GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n", 2000);
      expect(over.text).toBe("");
      expect(over.closedAfterMs).toBeLessThan(500);
    } finally {
      for (const socket of held) socket.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it("closes an idle persistent connection after the keep-alive timeout", async () => {
    const { text, closedAfterMs } = await converse(
      port,
      "GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n",
      3000,
    );
    expect(parseAnswer(text).status).toBe(200);
    expect(parseAnswer(text).headers["keep-alive"]).toBe("timeout=0");
    // Node keeps a connection up to a second past the timeout it announces
    // (server.keepAliveTimeoutBuffer), so that clients that respect it never race it.
    expect(closedAfterMs).toBeGreaterThanOrEqual(limits.http_keep_alive_timeout_ms - 50);
    expect(closedAfterMs).toBeLessThan(limits.http_keep_alive_timeout_ms + 2000);
  });
});

describe("what node:http refuses itself is a problem document (§7.1)", () => {
  it("a header section over the size limit: 431 header_fields_too_large", async () => {
    const { text } = await converse(
      port,
      `GET /healthz HTTP/1.1\r\nHost: gw\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
    );
    expectProblem(text, 431, "header_fields_too_large");
  });

  it("bytes that are not HTTP: 400 request_invalid", async () => {
    const { text } = await converse(port, "HELLO THERE\r\n\r\n");
    expectProblem(text, 400, "request_invalid");
  });
});

describe("repeated header fields, which Node joins (§8.4)", () => {
  it("two Idempotency-Key fields are refused with request_invalid, named as two fields", async () => {
    const token = await mintToken(claims(), gw.keys.eddsa);
    const body = JSON.stringify({
      token,
      provider: "cloud-c",
      amount: "3",
      unit: "inference-token:llm-large",
    });
    const { text } = await converse(
      port,
      `POST /v1/redemptions HTTP/1.1\r\nHost: gw\r\nConnection: close\r\nContent-Type: application/json\r\n` +
        `Idempotency-Key: a\r\nIdempotency-Key: b\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    expectProblem(text, 400, "request_invalid");
    expect(parseAnswer(text).json?.detail).toMatch(/one Idempotency-Key field, not 2/);
  });
});
