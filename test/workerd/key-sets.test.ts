/**
 * Carrier key sets inside workerd: one validation for inline and fetched
 * sets, and fetches shared by concurrent verifications, with the Cache API
 * as the store a new isolate starts from.
 */
import { CacheApiDocumentStore } from "../../src/adapters/http/cache-api-store.ts";
import { defineKeySetSuite } from "../support/key-set-suite.ts";
import { workerGateway } from "./gateway.ts";

defineKeySetSuite({
  makeStore: () => new CacheApiDocumentStore("oct-jwks"),
  post: async (network, fetch) => (await workerGateway({ network, fetch })).post,
});
