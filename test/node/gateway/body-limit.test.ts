import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claims, mintToken } from "../../support/network.ts";
import { testGateway } from "../../support/gateway.ts";
import { converse } from "../../support/raw-http.ts";
import { serveApp } from "../../support/serve.ts";

// The body limit over a real socket, where @hono/node-server reads bodies:
// judged from Content-Length when there is one, while reading otherwise.
let gw: Awaited<ReturnType<typeof testGateway>>;
let served: Awaited<ReturnType<typeof serveApp>>;
let port: number;
beforeAll(async () => {
  gw = await testGateway();
  served = await serveApp(gw.app);
  port = Number(new URL(served.url).port);
});
afterAll(() => served.close());

const MAX = 16_384;
const head = (framing: string) =>
  `POST /v1/verify HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nConnection: close\r\n${framing}\r\n`;
const chunked = (body: string) =>
  head("Transfer-Encoding: chunked\r\n") +
  `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
const sized = (body: string) => head(`Content-Length: ${Buffer.byteLength(body)}\r\n`) + body;
const statusOf = (text: string) => Number(text.slice(9, 12));
const bodyOf = (text: string) => text.slice(text.indexOf("\r\n\r\n") + 4);

describe("POST /v1/verify body limit, over HTTP/1.1", () => {
  const oversize = JSON.stringify({ token: "a".repeat(MAX) });

  it("413 payload_too_large from a Content-Length over body_max_bytes", async () => {
    const { text } = await converse(port, sized(oversize));
    expect(statusOf(text)).toBe(413);
    expect(text).toContain('"code":"payload_too_large"');
  });

  it("413 payload_too_large for a chunked body over body_max_bytes, counted while reading", async () => {
    const { text } = await converse(port, chunked(oversize));
    expect(statusOf(text)).toBe(413);
    expect(text).toContain('"code":"payload_too_large"');
  });

  it("reads a body within the limit either way", async () => {
    const token = await mintToken(claims(), gw.keys.eddsa);
    const body = JSON.stringify({ token });
    for (const request of [sized(body), chunked(body)]) {
      const { text } = await converse(port, request);
      expect(statusOf(text)).toBe(200);
      expect(bodyOf(text)).toContain('"valid":true');
    }
  });
});
