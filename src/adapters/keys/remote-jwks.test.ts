import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generateSigningKey, publicJwks, type PrivateJwk } from "../../core/signing/keys.ts";
import { DEFAULT_LIMITS } from "../../core/network/config.ts";
import { codeOf } from "../../../test/support/key-sets.ts";
import type { DocumentStore, StoredDocument } from "../http/remote-documents.ts";
import { RemoteJwks } from "./remote-jwks.ts";

/** A JWKS endpoint whose answer the test sets, counting requests. */
let answer: (res: import("node:http").ServerResponse) => void;
let hits = 0;
let server: Server;
let uri: string;
let k1: PrivateJwk;
let k2: PrivateJwk;

beforeAll(async () => {
  [k1, k2] = await Promise.all([generateSigningKey("EdDSA"), generateSigningKey("EdDSA")]);
  server = createServer((_, res) => {
    hits++;
    answer(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  uri = `http://127.0.0.1:${address.port}/jwks.json`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const serve = (body: unknown, status = 200, headers: Record<string, string> = {}) => {
  answer = (res) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  };
};

let now = 0;
const clock = { now: () => now };
const limits = { ...DEFAULT_LIMITS, jwks_fetch_timeout_ms: 500 };
let remote: RemoteJwks;

beforeEach(() => {
  hits = 0;
  now = 1_000_000;
  remote = new RemoteJwks({ clock, limits });
  serve(publicJwks([k1]));
});

describe("RemoteJwks", () => {
  it("fetches once and serves from the cache until it expires", async () => {
    expect((await remote.keyFor(uri, k1.kid))?.kid).toBe(k1.kid);
    expect((await remote.keyFor(uri, k1.kid))?.kid).toBe(k1.kid);
    expect(hits).toBe(1);
    now += limits.jwks_cache_seconds * 1000;
    await remote.keyFor(uri, k1.kid);
    expect(hits).toBe(2);
  });

  it("picks up a rotated key on an unknown kid, after the cooldown", async () => {
    await remote.keyFor(uri, k1.kid);
    serve(publicJwks([k1, k2]));
    now += limits.jwks_cooldown_seconds * 1000;
    expect((await remote.keyFor(uri, k2.kid))?.kid).toBe(k2.kid);
    expect(hits).toBe(2);
  });

  it("a flood of random kids costs at most one fetch per cooldown", async () => {
    await remote.keyFor(uri, k1.kid);
    now += limits.jwks_cooldown_seconds * 1000;
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) => remote.keyFor(uri, `random-${i}-${Math.random()}`)),
    );
    expect(results.every((r) => r === undefined)).toBe(true);
    expect(hits).toBe(2);
    for (let i = 0; i < 100; i++) await remote.keyFor(uri, `again-${i}`);
    expect(hits).toBe(2);
    now += limits.jwks_cooldown_seconds * 1000;
    await remote.keyFor(uri, "one-more");
    expect(hits).toBe(3);
  });

  it("serves the last good keys through an outage within the grace period, then keys_unavailable", async () => {
    await remote.keyFor(uri, k1.kid);
    serve("down", 500);
    now += limits.jwks_cache_seconds * 1000 + 1;
    expect(await codeOf(remote.keyFor(uri, k1.kid))).toBe("found");
    now += limits.jwks_grace_seconds * 1000;
    expect(await codeOf(remote.keyFor(uri, k1.kid))).toBe("keys_unavailable");
  });

  it("keys_unavailable when the first fetch fails, without refetching inside the cooldown", async () => {
    serve("down", 503);
    expect(await codeOf(remote.keyFor(uri, k1.kid))).toBe("keys_unavailable");
    expect(await codeOf(remote.keyFor(uri, k1.kid))).toBe("keys_unavailable");
    expect(hits).toBe(1);
  });

  it.each([
    ["a redirect", () => serve("", 302, { location: "https://evil.example/jwks" })],
    ["an oversized answer", () => serve({ keys: [], pad: "x".repeat(70_000) })],
    ["bad JSON", () => serve("{ not json")],
    [
      "duplicate members",
      () => serve(`{"keys":[],"keys":${JSON.stringify(publicJwks([k1]).keys)}}`),
    ],
    ["a private key", () => serve({ keys: [k1] })],
    ["an encryption key", () => serve({ keys: [{ ...publicJwks([k1]).keys[0], use: "enc" }] })],
    [
      "a short RSA key",
      () => serve({ keys: [{ kty: "RSA", kid: "r", n: "AQAB".repeat(40), e: "AQAB" }] }),
    ],
    ["an empty set", () => serve({ keys: [] })],
  ])("refuses %s", async (_, setUp) => {
    setUp();
    expect(await codeOf(remote.keyFor(uri, k1.kid))).toBe("keys_unavailable");
  });

  it("gives up on a slow server after the timeout", async () => {
    answer = (res) => setTimeout(() => res.end(JSON.stringify(publicJwks([k1]))), 2000);
    const started = Date.now();
    expect(await codeOf(remote.keyFor(uri, k1.kid))).toBe("keys_unavailable");
    expect(Date.now() - started).toBeLessThan(1900);
  });

  it("refuses a plain-http uri off the loopback without fetching", async () => {
    expect(await codeOf(remote.keyFor("http://keys.example/jwks.json", k1.kid))).toBe(
      "keys_unavailable",
    );
  });

  it("starts from the shared store (a new isolate) without fetching", async () => {
    const entries = new Map<string, StoredDocument>();
    const store: DocumentStore = {
      get: async (u) => entries.get(u),
      put: async (u, e) => void entries.set(u, e),
    };
    await new RemoteJwks({ clock, limits, store }).keyFor(uri, k1.kid);
    expect(hits).toBe(1);
    const fresh = new RemoteJwks({ clock, limits, store });
    expect((await fresh.keyFor(uri, k1.kid))?.kid).toBe(k1.kid);
    expect(hits).toBe(1);
  });
});
