import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { webCryptoSignatures } from "../../adapters/crypto/web-crypto-signatures.ts";
import { CarrierKeys } from "../../adapters/keys/carrier-keys.ts";
import { RemoteJwks } from "../../adapters/keys/remote-jwks.ts";
import { DEFAULT_LIMITS, loadNetwork, type Network } from "../network/config.ts";
import { generateSigningKey, publicJwks, type PrivateJwk } from "../signing/keys.ts";
import type { SignatureVerifier } from "../../ports/signatures.ts";
import { entryBytes, VerifiedTokenCache } from "./verified-cache.ts";
import { verifyToken, type VerifyContext } from "./verify.ts";
import {
  claims,
  ISSUER_A,
  ISSUER_B,
  mintToken,
  NOW_SECONDS,
  testKeys,
  testNetworkDocument,
  type TestKeys,
} from "../../../test/support/network.ts";
import { UNFETCHED_STATUS_LISTS } from "../status/unfetched.ts";

/** Web Crypto, counting the signatures it checks: a cache hit checks none. */
function countingSignatures(): SignatureVerifier & { count: number } {
  const port = {
    count: 0,
    verify: (...args: Parameters<SignatureVerifier["verify"]>) => {
      port.count++;
      return webCryptoSignatures.verify(...args);
    },
  };
  return port;
}

async function codeOf(token: unknown, context: VerifyContext): Promise<string> {
  try {
    await verifyToken(token, context);
    return "accepted";
  } catch (error) {
    return (error as { code?: string }).code ?? `unexpected: ${String(error)}`;
  }
}

const limits = (entries = 1000, bytes = 1 << 24) => ({
  verify_cache_max_entries: entries,
  verify_cache_max_bytes: bytes,
});

let keys: TestKeys;
let network: Network;
let now: number;
const clock = { now: () => now * 1000 };
let signatures: ReturnType<typeof countingSignatures>;

beforeAll(async () => {
  keys = await testKeys();
  network = loadNetwork(testNetworkDocument(keys));
});
beforeEach(() => {
  now = NOW_SECONDS;
  signatures = countingSignatures();
});

const cachedContext = (cache = new VerifiedTokenCache(limits()), net = network): VerifyContext => ({
  network: net,
  keys: new CarrierKeys(),
  statusLists: UNFETCHED_STATUS_LISTS,
  clock,
  signatures,
  verifiedTokens: cache,
});

describe("the verified-token cache keeps the outcome of §6.2", () => {
  it("answers a token seen before without checking its signature again", async () => {
    const context = cachedContext();
    const token = await mintToken(claims(), keys.eddsa);
    const first = await verifyToken(token, context);
    const again = await verifyToken(token, context);
    expect(again).toBe(first);
    expect(signatures.count).toBe(1);
    expect(context.verifiedTokens!.size).toBe(1);
  });

  it("never keeps a refusal", async () => {
    const context = cachedContext();
    const token = await mintToken(claims(), keys.eddsa);
    const forged = `${token.slice(0, -4)}${token.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
    expect(await codeOf(forged, context)).toBe("signature_invalid");
    expect(await codeOf(forged, context)).toBe("signature_invalid");
    expect(signatures.count).toBe(2);
    expect(context.verifiedTokens!.size).toBe(0);
  });

  it("still refuses a cached token after its exp, allowing the clock skew of §6.2 step 8", async () => {
    const context = cachedContext();
    const exp = NOW_SECONDS + 100;
    const token = await mintToken(claims({ exp }), keys.eddsa);
    expect(await codeOf(token, context)).toBe("accepted");
    // Good while now < exp + s, from the cache.
    now = exp + DEFAULT_LIMITS.clock_skew_seconds - 1;
    expect(await codeOf(token, context)).toBe("accepted");
    expect(signatures.count).toBe(1);
    now = exp + DEFAULT_LIMITS.clock_skew_seconds;
    expect(await codeOf(token, context)).toBe("token_expired");
    expect(context.verifiedTokens!.size).toBe(0);
  });

  it("refuses a cached token as not yet valid when the clock goes back before its nbf", async () => {
    const context = cachedContext();
    const token = await mintToken(claims({ nbf: NOW_SECONDS, iat: NOW_SECONDS }), keys.eddsa);
    expect(await codeOf(token, context)).toBe("accepted");
    now = NOW_SECONDS - DEFAULT_LIMITS.clock_skew_seconds - 1;
    expect(await codeOf(token, context)).toBe("token_not_yet_valid");
  });

  it("still refuses a cached token once a reload suspends its carrier", async () => {
    const cache = new VerifiedTokenCache(limits());
    const token = await mintToken(claims(), keys.eddsa);
    expect(await codeOf(token, cachedContext(cache))).toBe("accepted");
    const document = testNetworkDocument(keys);
    document.carriers = document.carriers.map((c) =>
      c.issuer === ISSUER_A ? { ...c, status: "suspended" } : c,
    );
    const reloaded = loadNetwork(document);
    expect(await codeOf(token, cachedContext(cache, reloaded))).toBe("carrier_suspended");
  });

  it("verifies again in full after any reload, even one that changes nothing", async () => {
    const cache = new VerifiedTokenCache(limits());
    const token = await mintToken(claims(), keys.eddsa);
    await verifyToken(token, cachedContext(cache));
    const same = loadNetwork(testNetworkDocument(keys));
    expect(await codeOf(token, cachedContext(cache, same))).toBe("accepted");
    expect(signatures.count).toBe(2);
  });

  it("is bounded by entries, least recently used out first", async () => {
    const context = cachedContext(new VerifiedTokenCache(limits(3)));
    const tokens = await Promise.all([1, 2, 3, 4].map(() => mintToken(claims(), keys.eddsa)));
    for (const token of tokens.slice(0, 3)) await verifyToken(token, context);
    await verifyToken(tokens[0]!, context); // used: now the most recent
    await verifyToken(tokens[3]!, context); // evicts tokens[1]
    expect(context.verifiedTokens!.size).toBe(3);
    expect(signatures.count).toBe(4);
    await verifyToken(tokens[0]!, context);
    expect(signatures.count).toBe(4);
    await verifyToken(tokens[1]!, context);
    expect(signatures.count).toBe(5);
  });

  it("is bounded by bytes, and keeps no token larger than its bound", async () => {
    const tokens = await Promise.all([1, 2, 3].map(() => mintToken(claims(), keys.eddsa)));
    const each = entryBytes(tokens[0]!);
    const context = cachedContext(new VerifiedTokenCache(limits(1000, 2 * each + 10)));
    for (const token of tokens) await verifyToken(token, context);
    expect(context.verifiedTokens!.size).toBe(2);
    expect(context.verifiedTokens!.byteSize).toBeLessThanOrEqual(2 * each + 10);
    const tiny = cachedContext(new VerifiedTokenCache(limits(1000, each - 1)));
    expect(await codeOf(tokens[0]!, tiny)).toBe("accepted");
    expect(tiny.verifiedTokens!.size).toBe(0);
  });
});

describe("the verified-token cache and fetched key sets", () => {
  const JWKS_URI = "https://keys.carrier-f.example/jwks.json";
  const ISSUER_F = "https://tokens.carrier-f.example";
  let k1: PrivateJwk;
  let k2: PrivateJwk;
  let served: PrivateJwk[];
  let fetched: Network;

  beforeAll(async () => {
    [k1, k2] = await Promise.all([generateSigningKey("EdDSA"), generateSigningKey("EdDSA")]);
    fetched = loadNetwork({
      gateway: { id: "https://gw.test.example" },
      carriers: [
        {
          id: "carrier-f",
          issuer: ISSUER_F,
          jwks_uri: JWKS_URI,
          algorithms: ["EdDSA"],
          status: "active",
        },
      ],
      providers: [],
      tariffs: [],
    });
  });
  beforeEach(() => {
    served = [k1];
  });

  const fetchingContext = (): VerifyContext => ({
    ...cachedContext(new VerifiedTokenCache(limits()), fetched),
    keys: new CarrierKeys(
      new RemoteJwks({
        clock,
        limits: fetched.limits,
        fetch: async () => Response.json(publicJwks(served)),
      }),
    ),
  });

  it("still refuses a cached token once its key is withdrawn from the fetched set", async () => {
    const context = fetchingContext();
    const token = await mintToken(claims({ iss: ISSUER_F }), k1);
    expect(await codeOf(token, context)).toBe("accepted");
    served = [k2];
    // While the fetched set is fresh, the key is still the carrier's (as uncached).
    now += fetched.limits.jwks_cache_seconds - 1;
    expect(await codeOf(token, context)).toBe("accepted");
    expect(signatures.count).toBe(1);
    // Stale: the look-up refreshes it in the request, and the key is gone.
    now += 1;
    expect(await codeOf(token, context)).toBe("key_unknown");
  });

  it("verifies again in full when a refresh replaces the key under the same kid", async () => {
    const context = fetchingContext();
    const token = await mintToken(claims({ iss: ISSUER_F }), k1);
    expect(await codeOf(token, context)).toBe("accepted");
    served = [{ ...k2, kid: k1.kid }];
    now += fetched.limits.jwks_cache_seconds;
    expect(await codeOf(token, context)).toBe("signature_invalid");
  });
});

describe("cached and uncached verification give the same verdict", () => {
  it("for random tokens, clocks and reloads (property)", async () => {
    const exp = NOW_SECONDS + 600;
    const tokens: unknown[] = [
      await mintToken(claims({ exp }), keys.eddsa),
      await mintToken(claims({ exp: NOW_SECONDS + 60 }), keys.es256),
      await mintToken(claims({ nbf: NOW_SECONDS + 120, iat: NOW_SECONDS }), keys.eddsa),
      await mintToken(claims({ exp: NOW_SECONDS - 30 }), keys.eddsa),
      await mintToken(claims({ iss: ISSUER_B }), keys.es384),
      await mintToken(claims({ iss: "https://nobody.example" }), keys.eddsa),
      await mintToken(claims({ oct: { ver: "0.1", amount: "-1", unit: "x" } }), keys.eddsa),
      (await mintToken(claims(), keys.eddsa)).replace(/.$/, (c) => (c === "A" ? "B" : "A")),
      "not.a.token",
      42,
    ];
    const suspendedA = testNetworkDocument(keys);
    suspendedA.carriers = suspendedA.carriers.map((c) =>
      c.issuer === ISSUER_A ? { ...c, status: "suspended" } : c,
    );
    const withoutEs256 = testNetworkDocument(keys);
    withoutEs256.carriers = withoutEs256.carriers.map((c) =>
      c.issuer === ISSUER_A ? { ...c, jwks: publicJwks([keys.eddsa]) as { keys: unknown[] } } : c,
    );
    const networks = [
      () => loadNetwork(testNetworkDocument(keys)),
      () => loadNetwork(suspendedA),
      () => loadNetwork(withoutEs256),
    ];
    // Mostly the tokens that verify, and mostly no reload: the cache must
    // hold something for its answers to be compared.
    const step = fc.record({
      token: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(0, 1) },
        { weight: 2, arbitrary: fc.integer({ min: 0, max: tokens.length - 1 }) },
      ),
      seconds: fc.integer({ min: -200, max: 700 }),
      reload: fc.oneof(
        { weight: 4, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: networks.length - 1 }) },
      ),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
        const cache = new VerifiedTokenCache(limits(4));
        let current = network;
        for (const { token, seconds, reload } of steps) {
          if (reload !== null) current = networks[reload]!();
          now = NOW_SECONDS + seconds;
          const uncached = { ...cachedContext(cache, current), verifiedTokens: undefined };
          const cached = await codeOf(tokens[token], cachedContext(cache, current));
          expect(cached).toBe(await codeOf(tokens[token], uncached));
        }
      }),
      { numRuns: 100 },
    );
  });
});
