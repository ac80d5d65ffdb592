/**
 * @module The demo gateway (`config/demo/network.json`) in memory, its clock
 * frozen: what the API reference's examples run against, when they are
 * captured and when a test replays them.
 */
import demoNetwork from "../../config/demo/network.json" with { type: "json" };
import { loadNetwork } from "../../src/core/network/config.ts";
import { createGateway } from "../../src/gateway/app.ts";
import { nodePorts } from "../../src/runtime/node-ports.ts";

export function demoExamplesGateway(nowMs: number) {
  const ports = nodePorts({
    network: loadNetwork(demoNetwork),
    dbPath: ":memory:",
    clock: { now: () => nowMs },
  });
  const app = createGateway(ports);
  return {
    request: async (path: string, init: RequestInit) => app.request(path, init),
    close: () => ports.close(),
  };
}
