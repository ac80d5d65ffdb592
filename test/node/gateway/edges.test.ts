/**
 * The rules at the edges of the HTTP API on Node, through the app: bodies,
 * media types, Idempotency-Key, settlement timestamps, non-URL gateway ids,
 * clients that go away.
 */
import { testGateway } from "../../support/gateway.ts";
import { defineEdgeSuite } from "../../support/edge-suite.ts";

defineEdgeSuite(async ({ network, logger }) => {
  const gw = await testGateway({ ...(network ? { network } : {}), ports: { logger } });
  return { keys: gw.keys, request: async (path, init) => gw.app.request(path, init) };
});
