/**
 * @module Writes the conformance suite's keys and test network:
 * `conformance/vectors/keys.json` (private JWKs the runner signs with) and
 * `conformance/vectors/network.json` (the network configuration an
 * implementation under test loads). Elliptic-curve keys are derived from
 * fixed seeds, so running this again gives the same keys; the RSA key is
 * kept from the shipped file when it exists.
 *
 *   node conformance/scripts/make-keys.ts
 */
import {
  createECDH,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
} from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { calculateJwkThumbprint, type JWK } from "jose";

/** The public JWK Set of private keys: their public members only (the runner imports nothing of src/). */
const PUBLIC_MEMBERS = ["kty", "crv", "x", "y", "n", "e", "kid", "alg", "use"] as const;
const publicJwks = (keys: readonly JWK[]) => ({
  keys: keys.map((jwk) =>
    Object.fromEntries(PUBLIC_MEMBERS.filter((m) => jwk[m] !== undefined).map((m) => [m, jwk[m]])),
  ) as JWK[],
});

const dir = new URL("../vectors/", import.meta.url).pathname;
const seed = (name: string) => createHash("sha256").update(`oct-conformance/0.1/${name}`).digest();
const b64u = (bytes: Buffer) => bytes.toString("base64url");

async function named(jwk: JWK, alg: string): Promise<JWK> {
  const kid = await calculateJwkThumbprint(jwk, "sha256");
  return { ...jwk, kid, alg, use: "sig" };
}

function ed25519(name: string): JWK {
  // PKCS#8 prefix for an Ed25519 private key, then the 32-byte seed.
  const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed(name)]);
  return createPrivateKey({ key: der, format: "der", type: "pkcs8" }).export({
    format: "jwk",
  }) as JWK;
}

function ec(name: string, curve: "prime256v1" | "secp384r1", crv: "P-256" | "P-384"): JWK {
  const size = crv === "P-256" ? 32 : 48;
  // A seed-derived scalar; the tiny chance of it exceeding the order is not met by these names.
  const d = createHash(size === 32 ? "sha256" : "sha384")
    .update(seed(name))
    .digest();
  const ecdh = createECDH(curve);
  ecdh.setPrivateKey(d);
  const point = ecdh.getPublicKey();
  return {
    kty: "EC",
    crv,
    d: b64u(d),
    x: b64u(point.subarray(1, 1 + size)),
    y: b64u(point.subarray(1 + size)),
  };
}

function rsa(existing: JWK | undefined, modulusLength = 2048): JWK {
  if (existing) return existing;
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength });
  return privateKey.export({ format: "jwk" }) as JWK;
}

const keysPath = `${dir}keys.json`;
const previous = existsSync(keysPath)
  ? (JSON.parse(readFileSync(keysPath, "utf8")) as { keys: Record<string, JWK> })
  : undefined;

const keys: Record<string, JWK> = {
  "carrier-a-eddsa": await named(ed25519("carrier-a-eddsa"), "EdDSA"),
  "carrier-a-es256": await named(ec("carrier-a-es256", "prime256v1", "P-256"), "ES256"),
  "carrier-r-ps256": await named(rsa(previous?.keys["carrier-r-ps256"]), "PS256"),
  "carrier-e-es384": await named(ec("carrier-e-es384", "secp384r1", "P-384"), "ES384"),
  "carrier-s-eddsa": await named(ed25519("carrier-s-eddsa"), "EdDSA"),
  "carrier-u-eddsa": await named(ed25519("carrier-u-eddsa"), "EdDSA"),
  // The parties that read the books (spec §7.13): the gateway's operator and provider edge-b.
  "operator-eddsa": await named(ed25519("operator-eddsa"), "EdDSA"),
  "edge-b-es256": await named(ec("edge-b-es256", "prime256v1", "P-256"), "ES256"),
  // Keys of the carriers whose key sets the runner serves (spec §5.5), and a
  // key too weak for any set (RSA of 1024 bits, §5.4 item 4).
  "keyset-1": await named(ed25519("keyset-1"), "EdDSA"),
  "keyset-2": await named(ed25519("keyset-2"), "EdDSA"),
  "keyset-3": await named(ec("keyset-3", "prime256v1", "P-256"), "ES256"),
  "keyset-rsa-1024": await named(rsa(previous?.keys["keyset-rsa-1024"], 1024), "PS256"),
  // The gateway the runner plays when it asks the gateway under test, a token's home, for a
  // grant (spec §11): a peer of the test network.
  "peer-visited-eddsa": await named(ed25519("peer-visited-eddsa"), "EdDSA"),
  // The home the runner plays when the gateway under test redeems a token homed there.
  "peer-home-eddsa": await named(ed25519("peer-home-eddsa"), "EdDSA"),
  // Keys no carrier publishes: forgers.
  "rogue-eddsa": await named(ed25519("rogue-eddsa"), "EdDSA"),
  "rogue-es256": await named(ec("rogue-es256", "prime256v1", "P-256"), "ES256"),
};
for (const [name, jwk] of Object.entries(keys)) {
  // Each private key must match its public half.
  const pub = createPublicKey(createPrivateKey({ key: jwk as never, format: "jwk" })).export({
    format: "jwk",
  }) as JWK;
  if (pub.x !== jwk.x && pub.n !== jwk.n) throw new Error(`key ${name} is inconsistent`);
}

const ISSUER = (c: string) => `https://tokens.${c}.conformance.example`;
/**
 * Where the implementation reaches the runner's callback server; an
 * implementation that reaches it elsewhere loads the network that
 * `oct conformance network --callback URL` writes.
 */
const CALLBACK = "http://127.0.0.1:8799";
/**
 * Carriers whose key set the runner serves at `/jwks/<id>.json`, one per
 * behaviour a case checks, so that no case waits for another's cooldown.
 */
const KEYSET_CARRIERS = [
  "rotation",
  "withdrawal",
  "grace",
  "cooldown",
  "concurrent",
  "redirect",
  "timeout",
  "large",
  "status",
  "bom",
  "duplicate-member",
  "private",
  "mixed",
  "duplicate-kid",
  "weak-rsa",
  "off-curve",
  "alg-mismatch",
  "too-many",
].map((behaviour) => `carrier-k-${behaviour}`);
/** Webhook providers the runner plays (spec §8.7), by what their endpoint answers. */
const HOOKS: [name: string, timeoutMs: number][] = [
  ["accept", 3000],
  ["refuse", 3000],
  ["slow", 1000],
  ["redirect", 3000],
  ["hold", 10000],
];
/**
 * Where carrier A's status lists are published: on the runner's callback
 * server, which serves them while it runs the status-lists suite
 * (`runner/status-lists.ts`), moved with the callback like the key sets.
 */
const STATUS_LISTS = `${CALLBACK}/status-lists/`;
const network = {
  gateway: {
    id: "https://gateway.conformance.example",
    operators: [{ id: "conformance", jwks: publicJwks([keys["operator-eddsa"]!]) }],
  },
  carriers: [
    {
      id: "carrier-a",
      issuer: ISSUER("carrier-a"),
      jwks: publicJwks([keys["carrier-a-eddsa"]!, keys["carrier-a-es256"]!]),
      algorithms: ["EdDSA", "ES256"],
      status: "active",
      // Its tokens that name the gateway under test as their home (spec §11.2) live there,
      // those that name the runner's home live at the runner.
      homes: ["https://gateway.conformance.example", "https://home.conformance.example"],
      status_lists: [STATUS_LISTS],
    },
    // Its key carries no alg, so only the carrier's algorithms (PS256) keep RS256 out.
    {
      id: "carrier-r",
      issuer: ISSUER("carrier-r"),
      jwks: { keys: publicJwks([keys["carrier-r-ps256"]!]).keys.map(({ alg: _, ...k }) => k) },
      algorithms: ["PS256"],
      status: "active",
      max_token_lifetime: 86400,
    },
    {
      id: "carrier-e",
      issuer: ISSUER("carrier-e"),
      jwks: publicJwks([keys["carrier-e-es384"]!]),
      algorithms: ["ES384"],
      status: "active",
    },
    {
      id: "carrier-s",
      issuer: ISSUER("carrier-s"),
      jwks: publicJwks([keys["carrier-s-eddsa"]!]),
      algorithms: ["EdDSA"],
      status: "suspended",
    },
    // Its key set lives at an address where nothing listens: keys_unavailable.
    {
      id: "carrier-u",
      issuer: ISSUER("carrier-u"),
      jwks_uri: "http://127.0.0.1:9/jwks.json",
      algorithms: ["EdDSA"],
      status: "active",
    },
    ...KEYSET_CARRIERS.map((id) => ({
      id,
      issuer: ISSUER(id),
      jwks_uri: `${CALLBACK}/jwks/${id}.json`,
      algorithms: ["EdDSA", "ES256", "PS256"],
      status: "active",
    })),
  ],
  providers: [
    {
      id: "edge-b",
      adapter: "ledger",
      units: ["gpu-second:a100-sxm", "gpu-second:h100-sxm", "inference-token:llm-large"],
      jwks: publicJwks([keys["edge-b-es256"]!]),
    },
    ...["2-5", "3", "0-7", "1-5", "7", "0-3", "1000000", "0-000001"].map((r) => ({
      id: `rate-${r}`,
      adapter: "ledger",
      units: ["pflop"],
    })),
    ...HOOKS.map(([name, timeout]) => ({
      id: `hook-${name}`,
      adapter: "webhook",
      units: ["gpu-second:a100-sxm"],
      endpoint: `${CALLBACK}/hooks/${name}`,
      timeout_ms: timeout,
    })),
    // Nothing listens there: a connection failure.
    {
      id: "hook-unreachable",
      adapter: "webhook",
      units: ["gpu-second:a100-sxm"],
      endpoint: "http://127.0.0.1:9/hook",
      timeout_ms: 1000,
    },
    // Providers only the settlement suite redeems at, so its totals are its own.
    ...["settle-p", "settle-q"].map((id) => ({ id, adapter: "ledger", units: ["pflop"] })),
  ],
  tariffs: [
    {
      carrier: "carrier-a",
      from: "gpu-second:h100-sxm",
      provider: "edge-b",
      to: "gpu-second:a100-sxm",
      rate: "2.5",
      valid_from: "2026-01-01T00:00:00Z",
    },
    {
      carrier: "carrier-a",
      from: "gpu-second:h100-sxm",
      provider: "edge-b",
      to: "gpu-second:h100-sxm",
      rate: "1",
      valid_from: "2026-01-01T00:00:00Z",
    },
    {
      carrier: "carrier-a",
      from: "gpu-second:h100-sxm",
      provider: "edge-b",
      to: "inference-token:llm-large",
      rate: "1",
      valid_from: "2020-01-01T00:00:00Z",
      valid_until: "2021-01-01T00:00:00Z",
    },
    {
      carrier: "carrier-r",
      from: "gpu-second:h100-sxm",
      provider: "edge-b",
      to: "gpu-second:a100-sxm",
      rate: "2.5",
      valid_from: "2026-01-01T00:00:00Z",
    },
    ...[
      ["2-5", "2.5"],
      ["3", "3"],
      ["0-7", "0.7"],
      ["1-5", "1.5"],
      ["7", "7"],
      ["0-3", "0.3"],
      ["1000000", "1000000"],
      ["0-000001", "0.000001"],
    ].map(([id, rate]) => ({
      carrier: "carrier-a",
      from: "gpu-second:h100-sxm",
      provider: `rate-${id}`,
      to: "pflop",
      rate: rate!,
      valid_from: "2026-01-01T00:00:00Z",
    })),
    ...[...HOOKS.map(([name]) => `hook-${name}`), "hook-unreachable"].map((provider) => ({
      carrier: "carrier-a",
      from: "gpu-second:h100-sxm",
      provider,
      to: "gpu-second:a100-sxm",
      rate: "2.5",
      valid_from: "2026-01-01T00:00:00Z",
    })),
    ...[
      ["carrier-a", "settle-p", "4"],
      ["carrier-r", "settle-p", "4"],
      ["carrier-a", "settle-q", "0.5"],
    ].map(([carrier, provider, rate]) => ({
      carrier: carrier!,
      from: "gpu-second:h100-sxm",
      provider: provider!,
      to: "pflop",
      rate: rate!,
      valid_from: "2026-01-01T00:00:00Z",
    })),
  ],
  // The runner as a visited gateway (spec §11): it signs grant requests, and is never called;
  // and as a token's home, which the gateway under test asks for grants.
  peers: [
    {
      id: "https://home.conformance.example",
      url: `${CALLBACK}/home`,
      jwks: publicJwks([keys["peer-home-eddsa"]!]),
    },
    {
      id: "https://visited.conformance.example",
      url: `${CALLBACK}/peer`,
      jwks: publicJwks([keys["peer-visited-eddsa"]!]),
    },
  ],
  // Short expiries, so that quote expiry and key-set freshness, refresh,
  // cooldown and grace are observed within a run.
  limits: {
    reservation_ttl_seconds: 20,
    authorization_ttl_seconds: 2,
    quote_ttl_seconds: 4,
    quote_max_live_per_token: 3,
    jwks_cache_seconds: 4,
    jwks_cooldown_seconds: 2,
    jwks_grace_seconds: 3,
    jwks_fetch_timeout_ms: 1000,
    // Short, so that the status-lists suite sees a change within seconds.
    status_list_cooldown_seconds: 1,
    status_list_grace_seconds: 3,
  },
};

const header =
  "Generated by conformance/scripts/make-keys.ts. Test keys of the OCT conformance suite: public, never to be trusted outside it.";
writeFileSync(keysPath, JSON.stringify({ comment: header, keys }, null, 2) + "\n");
writeFileSync(`${dir}network.json`, JSON.stringify(network, null, 2) + "\n");
console.log(`wrote ${keysPath} and ${dir}network.json`);
