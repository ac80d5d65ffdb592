/**
 * @module The benchmark's own network and tokens, made fresh for each run:
 * one carrier per measured algorithm (EdDSA, ES256, PS256), one ledger
 * provider with a tariff, verify tokens, a pool of tokens to spread
 * redemptions over and one hot token. Written to a temporary directory that
 * every server process reads (`OCT_CONFIG`), and removed at the end.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSigningKey, publicJwks, type PrivateJwk } from "../src/core/signing/keys.ts";
import { mintToken, type MintClaims } from "../src/core/issuer/mint.ts";
import type { NetworkDocument } from "../src/core/network/config.ts";

export const ALGORITHMS = ["EdDSA", "ES256", "PS256"] as const;
export type BenchAlgorithm = (typeof ALGORITHMS)[number];

export const PROVIDER = "edge";
export const UNIT = "gpu-second:h100-sxm";
export const AUDIENCE = "urn:oct:redeem";
export const TOKEN_TYPE = "oct+jwt";
/** Each redemption takes this much; tokens hold far more (no exhaustion by design). */
export const REDEMPTION_AMOUNT = "1";

export const issuerOf = (alg: BenchAlgorithm) =>
  `https://tokens.${alg.toLowerCase()}.bench.example`;

export interface Fixtures {
  dir: string;
  networkPath: string;
  document: NetworkDocument;
  keys: Record<BenchAlgorithm, PrivateJwk>;
  /** One valid token per algorithm: the same bytes for the limit, the core, HTTP and the peers. */
  verifyTokens: Record<BenchAlgorithm, string>;
  /** EdDSA tokens worth plenty each, for redemptions spread over many tokens. */
  spreadTokens: string[];
  /** One EdDSA token worth plenty, for redemptions all on one token. */
  hotToken: string;
  /**
   * Distinct valid tokens per algorithm, for the cold path: a new token each
   * request. More of them than the gateway's verified-token cache holds
   * entries, so a token met again has been evicted (its cache is an LRU).
   */
  coldTokens: Record<ColdAlgorithm, string[]>;
}

export const COLD_ALGORITHMS = ["EdDSA", "ES256"] as const;
/**
 * Fresh tokens per algorithm for the cold rows: more than the default
 * `verify_cache_max_entries` (10,000), so that going round the pool every
 * token was evicted before it comes again.
 */
export const COLD_POOL = 12_000;
export type ColdAlgorithm = (typeof COLD_ALGORITHMS)[number];

function networkDocument(keys: Record<BenchAlgorithm, PrivateJwk>, receipt: PrivateJwk) {
  return {
    gateway: { id: "https://gw.bench.example", receipt_keys: { keys: [receipt] } },
    carriers: ALGORITHMS.map((alg) => ({
      id: `carrier-${alg.toLowerCase()}`,
      issuer: issuerOf(alg),
      jwks: publicJwks([keys[alg]]) as { keys: unknown[] },
      algorithms: [alg],
      status: "active" as const,
    })),
    providers: [{ id: PROVIDER, adapter: "ledger", units: [UNIT] }],
    tariffs: ALGORITHMS.map((alg) => ({
      carrier: `carrier-${alg.toLowerCase()}`,
      from: UNIT,
      provider: PROVIDER,
      to: UNIT,
      rate: "1",
      valid_from: "2026-01-01T00:00:00Z",
    })),
  } as unknown as NetworkDocument;
}

function claims(alg: BenchAlgorithm, jti: string, amount: string): MintClaims {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: issuerOf(alg),
    sub: "acct-bench",
    aud: AUDIENCE,
    iat: now - 60,
    nbf: now - 60,
    exp: now + 6 * 3600,
    jti,
    oct: { ver: "0.1", amount, unit: UNIT },
  };
}

/** `count` tokens of `alg`, signed a batch at a time. */
async function mintMany(
  alg: BenchAlgorithm,
  key: PrivateJwk,
  prefix: string,
  amount: string,
  count: number,
): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 256) {
    const batch = Array.from({ length: Math.min(256, count - i) }, (_, j) =>
      mintToken(claims(alg, `${prefix}-${i + j}`, amount), key),
    );
    tokens.push(...(await Promise.all(batch)));
  }
  return tokens;
}

/** Generates keys, the network file and the tokens (`coldCount` fresh tokens per algorithm). */
export async function makeFixtures(spreadCount: number, coldCount = 0): Promise<Fixtures> {
  const dir = mkdtempSync(join(tmpdir(), "oct-bench-"));
  const generated = await Promise.all(ALGORITHMS.map((alg) => generateSigningKey(alg)));
  const keys = Object.fromEntries(ALGORITHMS.map((alg, i) => [alg, generated[i]!])) as Record<
    BenchAlgorithm,
    PrivateJwk
  >;
  const document = networkDocument(keys, await generateSigningKey("ES256"));
  const networkPath = join(dir, "network.json");
  writeFileSync(networkPath, JSON.stringify(document));
  const run = Date.now().toString(36);
  const verifyTokens = {} as Record<BenchAlgorithm, string>;
  for (const alg of ALGORITHMS) {
    verifyTokens[alg] = await mintToken(claims(alg, `bench-${run}-verify`, "1000"), keys[alg]);
  }
  const spreadTokens = await mintMany(
    "EdDSA",
    keys.EdDSA,
    `bench-${run}-spread`,
    "1000000",
    spreadCount,
  );
  const hotToken = await mintToken(claims("EdDSA", `bench-${run}-hot`, "1000000000"), keys.EdDSA);
  const coldTokens = {} as Record<ColdAlgorithm, string[]>;
  for (const alg of COLD_ALGORITHMS) {
    coldTokens[alg] = await mintMany(alg, keys[alg], `bench-${run}-cold`, "1000", coldCount);
  }
  const fixtures = {
    dir,
    networkPath,
    document,
    keys,
    verifyTokens,
    spreadTokens,
    hotToken,
    coldTokens,
  };
  writeFileSync(join(dir, "fixtures.json"), JSON.stringify(fixtures));
  return fixtures;
}

/** The fixtures a child process was given (by their directory). */
export function readFixtures(dir: string): Fixtures {
  return JSON.parse(readFileSync(join(dir, "fixtures.json"), "utf8")) as Fixtures;
}
