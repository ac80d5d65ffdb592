/**
 * The rules at the edges of the HTTP API inside workerd, through the app:
 * bodies, media types, Idempotency-Key, settlement timestamps, non-URL
 * gateway ids, clients that go away.
 */
import { defineEdgeSuite } from "../support/edge-suite.ts";
import { workerGateway } from "./gateway.ts";

defineEdgeSuite(async ({ network, logger }) => {
  const gw = await workerGateway({ ...(network ? { network } : {}), logger });
  return { keys: gw.keys, request: async (path, init) => gw.app.request(path, init) };
});
