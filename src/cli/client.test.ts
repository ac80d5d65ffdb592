import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayClient, GatewayError, UnreachableError } from "./client.ts";

describe("GatewayClient", () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === "/slow") {
        setTimeout(() => {
          response.writeHead(200, { "content-type": "application/json" });
          response.end('{"status":"ok"}');
        }, 800);
      } else if (request.url === "/problem") {
        response.writeHead(402, { "content-type": "application/problem+json" });
        response.end(
          JSON.stringify({
            type: "urn:oct:error:insufficient_balance",
            title: "The token's remaining balance is too small",
            status: 402,
            code: "insufficient_balance",
            detail: "the debit 80 exceeds the remaining 60",
          }),
        );
      } else {
        response.writeHead(404, { "content-type": "text/html" });
        response.end("<h1>nothing here</h1>");
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("shows a progress line while a call is slow, and clears it", async () => {
    const shown: (string | undefined)[] = [];
    const client = new GatewayClient(url, { progress: (text) => shown.push(text) });
    expect((await client.call("GET", "/slow")).body).toEqual({ status: "ok" });
    expect(shown[0]).toMatch(/waiting for GET \/slow at http:\/\/127\.0\.0\.1:\d+ \(0\.\d s\)/);
    expect(shown.at(-1)).toBeUndefined();
  });

  it("turns a problem into a GatewayError with its code", async () => {
    const error = await new GatewayClient(url).call("GET", "/problem").catch((e) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: "insufficient_balance", status: 402 });
    expect(error.message).toBe("the debit 80 exceeds the remaining 60");
  });

  it("says when the server is not an OCT gateway, or not there", async () => {
    await expect(new GatewayClient(url).call("GET", "/elsewhere")).rejects.toThrow(
      /answered GET \/elsewhere with 404 text\/html, not an OCT answer: is http:.* an OCT gateway\?/,
    );
    const closed = new GatewayClient("http://127.0.0.1:9");
    const error = await closed.call("GET", "/healthz").catch((e) => e);
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.message).toBe(
      "cannot reach the gateway at http://127.0.0.1:9: is it running? (npm start)",
    );
  });
});
