/**
 * @module Party authentication and what each party reads (`spec/oct.md`
 * §7.10, §7.11, §7.13, §7.14), written once and run on Node and inside
 * workerd: anonymous requests and every way an assertion can be wrong are
 * refused with their codes, an assertion serves one request (also at a
 * second gateway sharing the ledger), a carrier and a provider see only their
 * own lines and redemptions, an operator everything and the metrics.
 */
import { CompactSign, importJWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { CLIENT_ASSERTION_TYPE } from "../../src/core/party/assertion.ts";
import type { NetworkDocument } from "../../src/core/network/config.ts";
import { publicJwks, type PrivateJwk } from "../../src/core/signing/keys.ts";
import {
  asParty,
  claims,
  ISSUER_R,
  mintToken,
  NOW_SECONDS,
  TEST_GATEWAY_ID,
  testKeys,
  testNetworkDocument,
  type TestKeys,
} from "./network.ts";

interface PartyGateway {
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  redeem(body: unknown, key: string): Promise<Response>;
  keys: TestKeys;
}

/** What the suite needs of a runtime: gateways over one shared ledger. */
export interface PartyRuntime {
  /** A gateway; two made with the same `shared` name share their ledger. */
  gateway(options: {
    network: Partial<NetworkDocument>;
    clock: { now(): number };
    fetch?: typeof fetch;
    shared: string;
  }): Promise<PartyGateway>;
}

const H100 = "gpu-second:h100-sxm";
const OPERATOR_JWKS_URI = "https://noc.gw.test.example/jwks.json";

/** Tariffs so that two carriers redeem at one provider, and one carrier at two. */
function network(keys: TestKeys, operatorJwksUri?: string): Partial<NetworkDocument> {
  const base = testNetworkDocument(keys);
  const tariff = (carrier: string, provider: string, to: string) => ({
    carrier,
    from: H100,
    provider,
    to,
    rate: "2",
    valid_from: "2026-01-01T00:00:00Z",
  });
  return {
    gateway: {
      id: TEST_GATEWAY_ID,
      operators: [
        base.gateway.operators![0]!,
        ...(operatorJwksUri ? [{ id: "noc", jwks_uri: operatorJwksUri }] : []),
      ],
    },
    tariffs: [
      tariff("carrier-a", "carrier-b-edge", "gpu-second:a100-sxm"),
      tariff("carrier-a", "cloud-c", "inference-token:llm-large"),
      tariff("carrier-r", "carrier-b-edge", "gpu-second:a100-sxm"),
    ],
  };
}

async function json(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}

/** An assertion with every part chosen by the test, signed with `key`. */
async function assertion(
  key: PrivateJwk,
  payload: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<Record<string, string>> {
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: key.alg, typ: CLIENT_ASSERTION_TYPE, kid: key.kid, ...header })
    .sign(await importJWK(key, key.alg));
  return { authorization: `Bearer ${jws}` };
}

let serial = 0;
const good = (party: string, overrides: Record<string, unknown> = {}) => ({
  iss: party,
  sub: party,
  aud: TEST_GATEWAY_ID,
  iat: NOW_SECONDS,
  exp: NOW_SECONDS + 60,
  jti: `suite-${++serial}-${Math.random().toString(36).slice(2)}`,
  ...overrides,
});

export function definePartySuite(runtime: PartyRuntime): void {
  const clock = { now: () => NOW_SECONDS * 1000 };
  let gw: PartyGateway;
  let keys: TestKeys;
  let shared: string;
  const period = `from=${new Date((NOW_SECONDS - 60) * 1000).toISOString()}&to=${new Date((NOW_SECONDS + 60) * 1000).toISOString()}`;
  const operatorJwks = async () => publicJwks([keys.operator]);

  /** Redemptions made once: carrier-a at both providers, carrier-r at carrier-b-edge. */
  beforeAll(async () => {
    shared = `party-${Math.random().toString(36).slice(2)}`;
    const fetchJwks = (async (input: RequestInfo | URL) => {
      expect(String(input)).toBe(OPERATOR_JWKS_URI);
      return Response.json(await operatorJwks());
    }) as typeof fetch;
    gw = await runtime.gateway({
      network: network(await testKeys(), OPERATOR_JWKS_URI),
      clock,
      fetch: fetchJwks,
      shared,
    });
    keys = gw.keys;
    const redeem = async (token: string, provider: string, unit: string, key: string) => {
      const response = await gw.redeem({ token, provider, amount: "1", unit }, key);
      expect(response.status).toBe(201);
    };
    const tokenA = await mintToken(claims(), keys.eddsa);
    await redeem(tokenA, "carrier-b-edge", "gpu-second:a100-sxm", "a-1");
    await redeem(tokenA, "cloud-c", "inference-token:llm-large", "a-2");
    await redeem(tokenA, "carrier-b-edge", "gpu-second:a100-sxm", "a-3");
    const tokenR = await mintToken(claims({ iss: ISSUER_R }), keys.ps256);
    await redeem(tokenR, "carrier-b-edge", "gpu-second:a100-sxm", "r-1");
  });

  const carrierA = () => asParty("carrier:carrier-a", keys.eddsa);
  const operator = () => asParty("operator:ops", keys.operator);
  const provider = () => asParty("provider:carrier-b-edge", keys.provider);

  async function listAll(headers: () => Promise<Record<string, string>>, query = "") {
    const seen: Record<string, any>[] = [];
    let cursor: string | undefined;
    do {
      const page = await json(
        await gw.get(
          `/v1/redemptions?limit=1${query}${cursor ? `&cursor=${cursor}` : ""}`,
          await headers(),
        ),
      );
      expect(page.redemptions.length).toBeLessThanOrEqual(1);
      seen.push(...page.redemptions);
      cursor = page.next_cursor;
    } while (cursor);
    return seen;
  }

  describe("anonymous requests (§7.13 step 1)", () => {
    it.each([`/v1/settlements?${period}`, "/v1/redemptions", "/metrics"])(
      "GET %s without credentials: 401 authentication_required with a Bearer challenge",
      async (path) => {
        const response = await gw.get(path);
        expect(response.status).toBe(401);
        expect(response.headers.get("www-authenticate")).toBe('Bearer realm="oct"');
        expect((await json(response)).code).toBe("authentication_required");
      },
    );

    it.each([
      ["another scheme", "Basic b3BzOnNlY3JldA=="],
      ["a scheme without a credential", "Bearer"],
      ["two credentials, as two fields arrive", "Bearer a.b.c, Bearer d.e.f"],
    ])("refuses %s with authentication_required", async (_, value) => {
      const response = await gw.get("/v1/redemptions", { authorization: value });
      expect((await json(response)).code).toBe("authentication_required");
    });
  });

  describe("assertions that are refused (§7.13 steps 2 to 6)", () => {
    const refused = async (headers: Record<string, string>, code: string) => {
      const response = await gw.get("/v1/redemptions", headers);
      const body = await json(response);
      expect({ status: response.status, code: body.code }).toEqual({
        status: code === "party_forbidden" ? 403 : 401,
        code,
      });
      if (response.status === 401)
        expect(response.headers.get("www-authenticate")).toBe(
          'Bearer realm="oct", error="invalid_token"',
        );
      return body;
    };

    it("a credential that is not a JWS: client_assertion_invalid", async () => {
      await refused({ authorization: "Bearer not-a-jws" }, "client_assertion_invalid");
    });

    it("a token's typ, or none: client_assertion_invalid", async () => {
      await refused(
        await assertion(keys.eddsa, good("carrier:carrier-a"), { typ: "oct+jwt" }),
        "client_assertion_invalid",
      );
      await refused(
        await assertion(keys.eddsa, good("carrier:carrier-a"), { typ: "JWT" }),
        "client_assertion_invalid",
      );
    });

    it("a key carried in the header is never used: client_assertion_invalid", async () => {
      const { d: _, ...jwk } = keys.operator;
      await refused(
        await assertion(keys.operator, good("carrier:carrier-a"), { jwk }),
        "client_assertion_invalid",
      );
    });

    it("an iss that names no party with keys: party_unknown", async () => {
      await refused(await assertion(keys.eddsa, good("carrier:carrier-z")), "party_unknown");
      await refused(await assertion(keys.eddsa, good("carrier-a")), "party_unknown");
      // cloud-c has no keys: it cannot authenticate (§5.6).
      await refused(await assertion(keys.provider, good("provider:cloud-c")), "party_unknown");
    });

    it("signed by another party's key: client_assertion_invalid", async () => {
      await refused(
        await assertion({ ...keys.operator, kid: keys.eddsa.kid }, good("carrier:carrier-a")),
        "client_assertion_invalid",
      );
      await refused(
        await assertion(keys.operator, good("carrier:carrier-a")),
        "client_assertion_invalid",
      );
    });

    it("an algorithm the carrier does not use: client_assertion_invalid", async () => {
      // carrier-a signs EdDSA and ES256 only; its ES256 key signed as ES384 fails anyway.
      await refused(
        await assertion(keys.es384, good("carrier:carrier-a"), { kid: keys.es256.kid }),
        "client_assertion_invalid",
      );
    });

    it.each([
      ["for another gateway", { aud: "https://other-gw.example" }],
      ["with aud as an array", { aud: [TEST_GATEWAY_ID] }],
      ["with a sub other than its iss", { sub: "carrier:carrier-r" }],
      ["expired beyond the skew", { iat: NOW_SECONDS - 400, exp: NOW_SECONDS - 61 }],
      ["made in the future beyond the skew", { iat: NOW_SECONDS + 61, exp: NOW_SECONDS + 120 }],
      ["living longer than 300 s", { exp: NOW_SECONDS + 301 }],
      ["without a jti", { jti: undefined }],
    ])("an assertion %s: client_assertion_invalid", async (_, overrides) => {
      await refused(
        await assertion(keys.eddsa, good("carrier:carrier-a", overrides)),
        "client_assertion_invalid",
      );
    });

    it("accepts an assertion of exactly 300 s, and one expired within the skew", async () => {
      for (const overrides of [
        { exp: NOW_SECONDS + 300 },
        { iat: NOW_SECONDS - 100, exp: NOW_SECONDS - 59 },
      ]) {
        const headers = await assertion(keys.eddsa, good("carrier:carrier-a", overrides));
        expect((await gw.get("/v1/redemptions", headers)).status).toBe(200);
      }
    });

    it("an assertion used twice: client_assertion_replayed", async () => {
      const headers = await carrierA();
      expect((await gw.get("/v1/redemptions", headers)).status).toBe(200);
      await refused(headers, "client_assertion_replayed");
      // A refused replay does not make it good again.
      await refused(headers, "client_assertion_replayed");
    });

    it("an assertion used at a second gateway sharing the ledger: client_assertion_replayed", async () => {
      const second = await runtime.gateway({ network: network(keys), clock, shared });
      const headers = await operator();
      expect((await second.get("/v1/redemptions", headers)).status).toBe(200);
      await refused(headers, "client_assertion_replayed");
    });

    it("the same jti of two parties is two assertions", async () => {
      const jti = `shared-${Math.random().toString(36).slice(2)}`;
      const a = await assertion(keys.eddsa, good("carrier:carrier-a", { jti }));
      const o = await assertion(keys.operator, good("operator:ops", { jti }));
      expect((await gw.get("/v1/redemptions", a)).status).toBe(200);
      expect((await gw.get("/v1/redemptions", o)).status).toBe(200);
    });

    it("an operator's keys are fetched from its jwks_uri (§5.5)", async () => {
      const headers = await assertion(keys.operator, good("operator:noc"));
      expect((await gw.get("/metrics", headers)).status).toBe(200);
    });

    it("keys that cannot be fetched: 503 keys_unavailable, not a verdict on the assertion", async () => {
      const down = (async () => new Response("down", { status: 503 })) as unknown as typeof fetch;
      const unreachable = await runtime.gateway({
        // A set of its own: a runtime may keep fetched sets across gateways (the Cache API).
        network: network(keys, "https://down.gw.test.example/jwks.json"),
        clock,
        fetch: down,
        shared: `${shared}-down`,
      });
      const response = await unreachable.get(
        "/metrics",
        await assertion(keys.operator, good("operator:noc")),
      );
      expect(response.status).toBe(503);
      expect((await json(response)).code).toBe("keys_unavailable");
    });
  });

  describe("each party reads what concerns it (§7.10, §7.14)", () => {
    it("a carrier's settlement report holds its own tokens' lines only", async () => {
      const report = await json(await gw.get(`/v1/settlements?${period}`, await carrierA()));
      const carriers = new Set(report.totals.map((t: { carrier: string }) => t.carrier));
      expect([...carriers]).toEqual(["carrier-a"]);
      expect(report.totals.map((t: { provider: string }) => t.provider).sort()).toEqual([
        "carrier-b-edge",
        "cloud-c",
      ]);
    });

    it("a provider's report holds its own lines only, of every carrier", async () => {
      const report = await json(await gw.get(`/v1/settlements?${period}`, await provider()));
      expect(
        report.totals.map((t: { carrier: string; provider: string; count: number }) => [
          t.carrier,
          t.provider,
          t.count,
        ]),
      ).toEqual([
        ["carrier-a", "carrier-b-edge", 2],
        ["carrier-r", "carrier-b-edge", 1],
      ]);
    });

    it("an operator's report holds every line", async () => {
      const report = await json(await gw.get(`/v1/settlements?${period}`, await operator()));
      expect(report.totals).toHaveLength(3);
    });

    it("a filter naming another carrier or provider is 403 party_forbidden, never an empty answer", async () => {
      for (const [path, headers] of [
        [`/v1/settlements?${period}&carrier=carrier-r`, carrierA],
        [`/v1/redemptions?carrier=carrier-r`, carrierA],
        [`/v1/settlements?${period}&provider=cloud-c`, provider],
        [`/v1/redemptions?provider=cloud-c`, provider],
      ] as const) {
        const response = await gw.get(path, await headers());
        expect({ path, status: response.status, code: (await json(response)).code }).toEqual({
          path,
          status: 403,
          code: "party_forbidden",
        });
      }
      // Its own id, or the other kind of filter, is within reach.
      expect(
        (await gw.get(`/v1/settlements?${period}&carrier=carrier-a`, await carrierA())).status,
      ).toBe(200);
      expect((await gw.get(`/v1/redemptions?carrier=carrier-r`, await provider())).status).toBe(
        200,
      );
    });

    it("the metrics answer an operator only: a carrier or a provider gets 403 party_forbidden", async () => {
      for (const headers of [carrierA, provider]) {
        const response = await gw.get("/metrics", await headers());
        expect(response.status).toBe(403);
        expect((await json(response)).code).toBe("party_forbidden");
      }
      const response = await gw.get("/metrics", await operator());
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("oct_http_requests_total");
    });

    it("lists page by page, in commit order, each party its own redemptions", async () => {
      const all = await listAll(operator);
      expect(all).toHaveLength(4);
      const order = all.map((r) => `${r.committed_at} ${r.id}`);
      expect(order).toEqual([...order].sort());
      for (const r of all) {
        expect(r.status).toBe("committed");
        expect(r.receipt).toMatch(/^ey/);
      }
      const ofA = await listAll(carrierA);
      expect(ofA.map((r) => r.token.iss)).toEqual(Array(3).fill(claims().iss));
      const atEdge = await listAll(provider);
      expect(atEdge.map((r) => r.provider)).toEqual(Array(3).fill("carrier-b-edge"));
      // The same resource as GET /v1/redemptions/{id}.
      const one = await json(await gw.get(`/v1/redemptions/${ofA[0]!.id}`));
      expect({ ...one, committed_at: ofA[0]!.committed_at }).toEqual(ofA[0]);
    });

    it("filters by token identity and by period", async () => {
      const [first] = await listAll(carrierA);
      const { iss, jti } = first!.token;
      const ofToken = await listAll(
        carrierA,
        `&iss=${encodeURIComponent(iss)}&jti=${encodeURIComponent(jti)}`,
      );
      expect(ofToken).toHaveLength(3);
      expect(
        await listAll(operator, `&from=${new Date((NOW_SECONDS + 1) * 1000).toISOString()}`),
      ).toEqual([]);
      expect(await listAll(operator, `&to=${new Date(NOW_SECONDS * 1000).toISOString()}`)).toEqual(
        [],
      );
    });

    it.each([
      "?limit=0",
      "?limit=101",
      "?limit=1.5",
      "?cursor=not%20a%20cursor",
      "?cursor=MTIzNDU",
      "?iss=https%3A%2F%2Ftokens.carrier-a.example",
      "?jti=abc",
      "?from=2026-02-30T00:00:00Z",
      "?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
      "?status=committed",
      "?limit=1&limit=2",
    ])("refuses the listing query %j with request_invalid", async (query) => {
      const response = await gw.get(`/v1/redemptions${query}`, await operator());
      expect({ status: response.status, code: (await json(response)).code }).toEqual({
        status: 400,
        code: "request_invalid",
      });
    });
  });
}
