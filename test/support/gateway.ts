/**
 * @module A gateway app over the test network, for contract tests through
 * `app.request(...)` in Node and in workerd.
 */
import { CarrierKeys } from "../../src/adapters/keys/carrier-keys.ts";
import { createGateway } from "../../src/gateway/app.ts";
import type { GatewayPorts } from "../../src/gateway/ports.ts";
import { frozenClock, testKeys, testNetwork, type TestKeys } from "./network.ts";

export async function testGateway(overrides: Partial<GatewayPorts> = {}) {
  const keys: TestKeys = await testKeys();
  const network = testNetwork(keys);
  const app = createGateway({
    network,
    keys: new CarrierKeys(),
    clock: frozenClock(),
    ...overrides,
  });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  return { app, keys, network, post };
}
