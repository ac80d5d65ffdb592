/**
 * Carrier key sets on Node: one validation for inline and fetched sets, and
 * fetches shared by concurrent verifications (the store is a Map, as a
 * process keeps it; the gateway is the Node composition).
 */
import type { StoredDocument } from "../../../src/adapters/http/remote-documents.ts";
import { testGateway } from "../../support/gateway.ts";
import { defineKeySetSuite } from "../../support/key-set-suite.ts";

defineKeySetSuite({
  makeStore: () => {
    const entries = new Map<string, StoredDocument>();
    return {
      get: async (uri) => entries.get(uri),
      put: async (uri, entry) => void entries.set(uri, entry),
    };
  },
  post: async (network, fetch) => (await testGateway({ network, fetch })).post,
});
