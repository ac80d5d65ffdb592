/**
 * @module A gateway app over the test network, for contract tests through
 * `app.request(...)` on Node (in-memory SQLite ledger).
 */
import { createGateway } from "../../src/gateway/app.ts";
import type { GatewayPorts } from "../../src/gateway/ports.ts";
import type { NetworkDocument } from "../../src/core/network/config.ts";
import { nodePorts } from "../../src/runtime/node-ports.ts";
import { frozenClock, testKeys, testNetwork, type TestKeys } from "./network.ts";
import { jsonPoster } from "./http.ts";

export interface TestGatewayOptions {
  ports?: Partial<GatewayPorts>;
  network?: Partial<NetworkDocument>;
  clock?: { now(): number };
  dbPath?: string;
  fetch?: typeof fetch;
}

export async function testGateway(options: TestGatewayOptions = {}) {
  const keys: TestKeys = await testKeys();
  const network = testNetwork(keys, options.network);
  const clock = options.clock ?? frozenClock();
  const ports = nodePorts({
    network,
    dbPath: options.dbPath ?? ":memory:",
    clock,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const app = createGateway({ ...ports, ...options.ports });
  return { app, keys, network, ports, ...jsonPoster((path, init) => app.request(path, init)) };
}
