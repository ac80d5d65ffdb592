/**
 * The bounds of `npm start`'s server, end to end: the real Node process,
 * configured through the `limits` of its network configuration, over real
 * sockets.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asDemoParty } from "../../support/demo-party.ts";
import { ROOT, startNodeGateway, type Running } from "../../support/processes.ts";
import {
  converse,
  holdStalledConnections,
  open,
  parseAnswer,
  STALLED_POST,
} from "../../support/raw-http.ts";

const limits = {
  http_max_connections: 8,
  http_headers_timeout_ms: 400,
  http_request_timeout_ms: 800,
  http_keep_alive_timeout_ms: 300,
};

let gateway: Running;
let port: number;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "oct-limits-"));
  const config = JSON.parse(readFileSync(join(ROOT, "config/demo/network.json"), "utf8"));
  writeFileSync(join(dir, "network.json"), JSON.stringify({ ...config, limits }));
  gateway = await startNodeGateway({ OCT_CONFIG: join(dir, "network.json") });
  port = Number(new URL(gateway.url).port);
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
});

describe("npm start bounds its connections with the configured limits", () => {
  it("answers a connection that sends nothing with a 408 problem within the header time", async () => {
    const { text, closedAfterMs } = await converse(port);
    const answer = parseAnswer(text);
    expect(answer.status).toBe(408);
    expect(answer.json).toMatchObject({ code: "request_timeout" });
    expect(closedAfterMs).toBeLessThan(limits.http_request_timeout_ms + 1000);
  });

  it("closes connections over http_max_connections at once, and is served again after", async () => {
    const held = await holdStalledConnections(port, limits.http_max_connections);
    try {
      const over = await converse(port, "GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n", 2000);
      expect(over).toMatchObject({ text: "" });
      expect(over.closedAfterMs).toBeLessThan(1000);
    } finally {
      for (const socket of held) socket.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    expect(gateway.output()).not.toMatch(/unexpected error/);
  });

  it("takes a burst of clients that give up mid-body for what it is: no error logged, no 500 counted", async () => {
    const metrics = async () =>
      (await fetch(`${gateway.url}/metrics`, { headers: await asDemoParty() })).text();
    const aborts = (text: string) =>
      Number(
        /oct_http_client_aborts_total\{method="POST",route="\/v1\/verify"\} (\d+)/.exec(
          text,
        )?.[1] ?? 0,
      );
    await new Promise((resolve) => setTimeout(resolve, 300)); // earlier tests' connections settle
    const before = aborts(await metrics());
    for (let i = 0; i < 20; i++) {
      const socket = await open(port);
      socket.on("error", () => undefined);
      socket.write(STALLED_POST);
      await new Promise((resolve) => setTimeout(resolve, 10));
      socket.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await metrics();
    expect(after).not.toMatch(/status="500"/);
    expect(aborts(after) - before).toBe(20);
    expect(gateway.output()).not.toMatch(/unexpected error|Error/);
  });
});
