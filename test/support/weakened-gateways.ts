/**
 * @module Deliberately weakened gateways, for the conformance suite's
 * self-test: each breaks one requirement of the spec (by its id in
 * `conformance/requirements.json`), and the suite must fail it on the case
 * named as catching it. None reaches into the core: a variant is built
 * around the honest code from the outside, by decorating a port the gateway
 * already takes (a network, a key source, a ledger, a provider adapter,
 * receipt keys, a settlement store, a fetch), or by wrapping the app in a
 * middleware that changes requests before it or answers after it. The
 * checks no port reaches (the parse-level steps of §6.2) say so in the
 * index (`unbreakable`) and are proven by mutation testing instead
 * (`npm run test:mutation`, `test/mutation/README.md`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Hono } from "hono";
import { CompactSign, decodeProtectedHeader, importJWK } from "jose";
import { formatAmount, parseAmount } from "../../conformance/runner/decimal.ts";
import { VECTORS_DIR } from "../../conformance/runner/load.ts";
import { signBytes, type SuiteKey } from "../../conformance/runner/token-recipe.ts";
import { CarrierKeys } from "../../src/adapters/keys/carrier-keys.ts";
import { RemoteJwks } from "../../src/adapters/keys/remote-jwks.ts";
import type { Carrier, Limits, Network } from "../../src/core/network/config.ts";
import { ALLOWED_ALGORITHMS } from "../../src/core/token/header.ts";
import { generateSigningKey, type PrivateJwk } from "../../src/core/signing/keys.ts";
import { UNIT_REGISTRY } from "../../src/generated/units.ts";
import { createGateway } from "../../src/gateway/app.ts";
import type { GatewayPorts } from "../../src/gateway/ports.ts";
import type { KeySource } from "../../src/ports/keys.ts";
import type { Ledger } from "../../src/ports/ledger.ts";
import type { SignatureVerifier } from "../../src/ports/signatures.ts";
import type { AssertionJtis } from "../../src/ports/assertion-jtis.ts";
import type { StatusListSource } from "../../src/ports/status-lists.ts";
import { RemoteStatusLists } from "../../src/adapters/status/remote-status-lists.ts";
import { makeClientAssertion } from "../../src/core/party/make-assertion.ts";

/** Anything that answers HTTP requests: a Hono app or a wrapper around one. */
export interface FetchHandler {
  fetch(request: Request): Response | Promise<Response>;
}

export interface WeakenedGateway {
  /** A short name, for test titles and reports. */
  name: string;
  /** The requirement it breaks, by its id in conformance/requirements.json. */
  requirement: string;
  /** What it does instead, in words. */
  breaks: string;
  /** The case the suite must fail it on (others may fail too). */
  caughtBy: string;
  /** The cases to run (the catching one when omitted): some rules are judged on a run's answers. */
  run?: string[];
  /** The weakened gateway, built from the honest ports. */
  build(honest: GatewayPorts): FetchHandler;
}

// ---------------------------------------------------------------- decorating

/** `inner` with some members replaced; the others still answer as `inner` (methods bound to it). */
function decorate<T extends object>(inner: T, overrides: Partial<T>): T {
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property in overrides) return (overrides as Record<PropertyKey, unknown>)[property];
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The honest gateway with some ports replaced. */
const withPorts =
  (change: (honest: GatewayPorts) => Partial<GatewayPorts>) =>
  (honest: GatewayPorts): FetchHandler =>
    createGateway({ ...honest, ...change(honest) });

/** The honest gateway behind a front that may rewrite each request and each answer. */
const around =
  (
    front: (
      request: Request,
      gateway: (request: Request) => Promise<Response>,
      honest: GatewayPorts,
    ) => Promise<Response>,
  ) =>
  (honest: GatewayPorts): FetchHandler => {
    const inner = createGateway(honest);
    return new Hono().all("*", (c) =>
      front(c.req.raw, async (request) => inner.fetch(request), honest),
    );
  };

/** The honest gateway behind a middleware that edits every answer's headers. */
const withAnswers = (edit: (response: Response, request: Request) => void) =>
  around(async (request, gateway) => {
    const answer = await gateway(request);
    const response = new Response(answer.body, answer);
    edit(response, request);
    return response;
  });

/** The honest gateway, its JSON answers rewritten by `edit` where `when` holds. */
const withJsonAnswers = (
  when: (request: Request, response: Response) => boolean,
  edit: (json: Record<string, any>, request: Request) => unknown,
) =>
  around(async (request, gateway) => {
    const answer = await gateway(request.clone());
    if (!when(request, answer)) return answer;
    const json = (await answer.json()) as Record<string, any>;
    return new Response(JSON.stringify(edit(json, request)), answer);
  });

/** The honest gateway, each request rewritten by `edit` before it. */
const withRequests = (edit: (request: Request) => Request | Promise<Request>) =>
  around(async (request, gateway) => gateway(await edit(request)));

/** A request like `request` with another URL, headers or body. */
function rebuilt(
  request: Request,
  change: { url?: string; headers?: Headers; body?: string | null },
): Request {
  const method = request.method;
  const body =
    change.body !== undefined
      ? change.body
      : method === "GET" || method === "HEAD"
        ? null
        : request.body;
  return new Request(change.url ?? request.url, {
    method,
    headers: change.headers ?? request.headers,
    ...(body !== null ? { body, duplex: "half" } : {}),
  } as RequestInit);
}

/** The request's JSON body rewritten by `edit` (left alone when it is not a JSON object). */
const withJsonBodies = (edit: (body: Record<string, any>, request: Request) => unknown) =>
  withRequests(async (request) => {
    if (request.method !== "POST") return request;
    const text = await request.clone().text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return request;
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) return request;
    return rebuilt(request, { body: JSON.stringify(edit(body as Record<string, any>, request)) });
  });

const pathOf = (request: Request) => new URL(request.url).pathname;

// ------------------------------------------------------------- the network

/** A network like `network` whose carriers are rewritten by `change`. */
function withCarriers(network: Network, change: (carrier: Carrier) => Carrier): Network {
  const carriers = network.carriers.map(change);
  const byId = new Map(carriers.map((c) => [c.id, c]));
  const changed = (carrier: Carrier | undefined) => carrier && byId.get(carrier.id);
  return {
    ...network,
    carriers,
    carrierByIssuer: (issuer) => changed(network.carrierByIssuer(issuer)),
    carrierById: (id) => byId.get(id),
  };
}

/** A trust registry that, for an issuer it does not know, answers its first carrier. */
function trustingAnyIssuer(network: Network): Network {
  return {
    ...network,
    carrierByIssuer: (issuer) => network.carrierByIssuer(issuer) ?? network.carriers[0],
  };
}

const limits = (network: Network, change: Partial<Limits>): Network => ({
  ...network,
  limits: { ...network.limits, ...change },
});

// --------------------------------------------------------- fetched key sets

/** The key source of the honest gateway, with other limits or another fetch for key sets. */
function fetchedKeys(
  honest: GatewayPorts,
  change: { limits?: Partial<Limits>; fetch?: typeof fetch },
): KeySource {
  return new CarrierKeys(
    new RemoteJwks({
      clock: honest.clock,
      limits: { ...honest.network.limits, ...change.limits },
      ...(change.fetch ? { fetch: change.fetch } : {}),
    }),
  );
}

/** A fetch whose key sets pass through `edit` (their keys, as JSON) before the gateway reads them. */
const editingKeySets =
  (edit: (keys: Record<string, unknown>[]) => Record<string, unknown>[]): typeof fetch =>
  async (input, init) => {
    const answer = await fetch(input, init);
    const text = await answer.text();
    try {
      const set = JSON.parse(text) as { keys: Record<string, unknown>[] };
      return new Response(JSON.stringify({ ...set, keys: edit(set.keys) }), answer);
    } catch {
      return new Response(text, answer);
    }
  };

/** A key source that, when the carrier has no such kid, takes one from any other carrier. */
function searchingEveryCarrier(keys: KeySource, network: Network): KeySource {
  return {
    async keyFor(carrier, kid) {
      let key = await keys.keyFor(carrier, kid);
      for (const other of network.carriers) key ??= await keys.keyFor(other, kid);
      return key;
    },
  };
}

const agreeingToEverything: SignatureVerifier = { verify: () => true };

// --------------------------------------------------------------- the ledger

/** The largest face value an amount can hold: a ledger told it never refuses for the balance. */
const BOUNDLESS = "9".repeat(30);

/**
 * A ledger that keeps the face value it was given apart and tells the real
 * one a boundless face value, so that the decorator's own check (or none)
 * decides whether a reservation fits.
 */
function faceValuesApart(
  ledger: Ledger,
  fits: (tokenKey: string, face: string, debit: string) => Promise<boolean>,
): Ledger {
  const faces = new Map<string, string>();
  return decorate(ledger, {
    async reserve(input) {
      const { tokenKey } = input.record;
      const face = faces.get(tokenKey) ?? input.faceValue;
      if (face !== input.faceValue)
        return {
          kind: "mismatch",
          recorded: { faceValue: face, unit: input.record.debited.unit },
        };
      const known = await ledger.lookup(tokenKey, input.record.idempotencyKey);
      if (!known && !(await fits(tokenKey, face, input.record.debited.amount))) {
        return { kind: "insufficient", balance: await ledger.balance(tokenKey, input.now) };
      }
      faces.set(tokenKey, face);
      const outcome = await ledger.reserve({ ...input, faceValue: BOUNDLESS });
      return outcome.kind === "reserved"
        ? {
            ...outcome,
            balance: {
              ...outcome.balance,
              recorded: { faceValue: face, unit: input.record.debited.unit },
            },
          }
        : outcome;
    },
    async balance(tokenKey, now) {
      const balance = await ledger.balance(tokenKey, now);
      const face = faces.get(tokenKey);
      return face === undefined
        ? { ...balance, recorded: undefined }
        : { ...balance, recorded: { faceValue: face, unit: balance.recorded!.unit } };
    },
  });
}

// ------------------------------------------------------------- the suite's keys

const SUITE_KEYS = (
  JSON.parse(readFileSync(join(VECTORS_DIR, "keys.json"), "utf8")) as {
    keys: Record<string, SuiteKey>;
  }
).keys;

/**
 * A token re-signed with the suite's key of its kid, its claims edited: a
 * weakened gateway that ignores a claim behaves as the honest one given a
 * token without it.
 */
function reminted(token: string, edit: (claims: Record<string, any>) => void): string {
  const [header, payload] = token.split(".");
  const key = Object.values(SUITE_KEYS).find((k) => k.kid === decodeProtectedHeader(token).kid);
  if (!key) return token;
  const claims = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8"));
  edit(claims);
  const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const signature = signBytes(Buffer.from(`${header}.${body}`, "ascii"), key);
  return `${header}.${body}.${signature.toString("base64url")}`;
}

const remintingTokens = (paths: string[], edit: (claims: Record<string, any>) => void) =>
  withJsonBodies((body, request) =>
    paths.includes(pathOf(request)) && typeof body.token === "string"
      ? { ...body, token: reminted(body.token, edit) }
      : body,
  );

const REGISTERED = new Set(UNIT_REGISTRY.units.map((u) => u.id));

// ------------------------------------------------------- status lists, parties

/** Status lists that never revoke or suspend anything. */
const everyTokenValid: StatusListSource = { statusOf: async () => 0 };

/** Status lists read as the honest gateway reads them, but with these limits. */
const statusListsWith = (
  honest: GatewayPorts,
  change: Partial<Limits>,
  keys?: KeySource,
  clock = honest.clock,
) =>
  new RemoteStatusLists({
    clock,
    limits: { ...honest.network.limits, ...change },
    keys: keys ?? honest.keys,
    signatures: honest.signatures,
  });

/** A memory of assertions that forgets at once: every assertion is new to it. */
const forgettingAssertions: AssertionJtis = { claim: async () => true };

/** A fresh assertion of the suite's operator for the gateway under test (spec §7.13). */
async function operatorCredential(honest: GatewayPorts): Promise<string> {
  const operator = honest.network.operators[0]!;
  const assertion = await makeClientAssertion({
    party: `operator:${operator.id}`,
    gateway: honest.network.gatewayId,
    key: SUITE_KEYS["operator-eddsa"] as unknown as PrivateJwk,
    now: Math.floor(honest.clock.now() / 1000),
  });
  return `Bearer ${assertion}`;
}

/** The request with the operator's credentials in place of its own, where `when` holds. */
const asOperatorWhen = (when: (request: Request) => boolean) =>
  around(async (request, gateway, honest) => {
    if (!when(request)) return gateway(request);
    const headers = new Headers(request.headers);
    headers.set("authorization", await operatorCredential(honest));
    return gateway(rebuilt(request, { headers }));
  });

/** The request's query without the parameters `drop` names, or with them rewritten. */
const withQuery = (edit: (query: URLSearchParams) => void) =>
  withRequests((request) => {
    const url = new URL(request.url);
    edit(url.searchParams);
    return rebuilt(request, { url: url.href });
  });

// ---------------------------------------------------------------- variants

/** The honest gateway given tokens re-signed without `cnf`: holder binding ignored. */
const withoutHolderBinding = (honest: GatewayPorts): FetchHandler =>
  remintingTokens(
    ["/v1/redemptions", "/v1/quotes", "/v1/balance", "/v1/verify", "/v1/inspect"],
    (claims) => delete claims.cnf,
  )(honest);

/** A ledger that admits every holder proof, as if it kept no jti. */
function forgettingProofs(ledger: Ledger): Ledger {
  return Object.assign(Object.create(ledger) as Ledger, { admitProof: async () => true });
}

/**
 * A network whose peers sit at the root of their origin, wherever they are
 * configured: a home that takes a carried proof for any endpoint of the
 * peer's host and port.
 */
function peersAtTheirOrigin(network: Network): Network {
  return decorate(network, {
    peerById: (id: string) => {
      const peer = network.peerById(id);
      return peer && { ...peer, url: new URL("/", peer.url).href };
    },
  });
}

export const WEAKENED_GATEWAYS: readonly WeakenedGateway[] = [
  // §6.2 step 9, §6.5: status lists
  {
    name: "ignores-token-status",
    requirement: "R-zdb8s",
    breaks: "never reads a token's status list: a revoked token stays valid",
    caughtBy: "tsl-002",
    build: withPorts(() => ({ statusLists: everyTokenValid })),
  },
  {
    name: "lists-signed-by-any-carrier",
    requirement: "R-6an2f",
    breaks: "verifies a status list with any carrier's key, not only the token's carrier's",
    caughtBy: "tsl-010",
    build: withPorts((honest) => ({
      statusLists: statusListsWith(honest, {}, searchingEveryCarrier(honest.keys, honest.network)),
    })),
  },
  {
    name: "uses-expired-lists",
    requirement: "R-8sby4",
    breaks: "judges lists by a clock a day slow, with two days' skew: an expired list still serves",
    caughtBy: "tsl-014",
    build: withPorts((honest) => ({
      statusLists: statusListsWith(honest, { clock_skew_seconds: 2 * 86400 }, honest.keys, {
        now: () => honest.clock.now() - 86_400_000,
      }),
    })),
  },
  // §7.11, §7.13, §7.14: the books and the metrics
  {
    name: "books-open-to-anybody",
    requirement: "R-g7e5e",
    breaks: "answers a request without credentials as if its operator had asked",
    caughtBy: "api-071",
    build: asOperatorWhen((request) => !request.headers.has("authorization")),
  },
  {
    name: "replayable-assertions",
    requirement: "R-7wa5z",
    breaks: "forgets every assertion it accepted: one serves any number of requests",
    caughtBy: "api-080",
    build: withPorts(() => ({ assertions: forgettingAssertions })),
  },
  {
    name: "narrows-in-silence",
    requirement: "R-fmejf",
    breaks: "drops a carrier or provider filter beyond the party's reach instead of refusing it",
    caughtBy: "api-090",
    build: withQuery((query) => {
      query.delete("carrier");
      query.delete("provider");
    }),
  },
  {
    name: "metrics-to-any-party",
    requirement: "R-c0g9a",
    breaks: "shows the metrics to any authenticated party, as to an operator",
    caughtBy: "api-092",
    build: asOperatorWhen(
      (request) => pathOf(request) === "/metrics" && request.headers.has("authorization"),
    ),
  },
  {
    name: "clamps-listing-limit",
    requirement: "R-wt8gv",
    breaks: "lists 100 redemptions for a limit above 100 instead of refusing it",
    caughtBy: "api-094",
    build: withQuery((query) => {
      if (Number(query.get("limit")) > 100) query.set("limit", "100");
    }),
  },
  // §2 and §6: verification
  {
    name: "no-size-cap",
    requirement: "R-jjbkj",
    breaks: "decodes a token longer than token_max_bytes",
    caughtBy: "tv-012",
    build: withPorts(({ network }) => ({
      network: limits(network, { token_max_bytes: Number.MAX_SAFE_INTEGER }),
    })),
  },
  {
    name: "trusts-any-issuer",
    requirement: "R-pb1d6",
    breaks: "takes an iss no carrier has for its first carrier",
    caughtBy: "tv-054",
    build: withPorts(({ network }) => ({ network: trustingAnyIssuer(network) })),
  },
  {
    name: "ignores-suspension",
    requirement: "R-6an2f",
    breaks: "verifies a suspended carrier's tokens",
    caughtBy: "tv-059",
    build: withPorts(({ network }) => ({
      network: withCarriers(network, (c) => ({ ...c, status: "active" })),
    })),
  },
  {
    name: "ignores-carrier-algorithms",
    requirement: "R-6an2f",
    breaks: "takes any allowed alg, not only the carrier's algorithms",
    caughtBy: "tv-060",
    build: withPorts(({ network }) => ({
      network: withCarriers(network, (c) => ({ ...c, algorithms: [...ALLOWED_ALGORITHMS] })),
    })),
  },
  {
    name: "keys-cross-carriers",
    requirement: "R-6an2f",
    breaks: "looks a kid up in every carrier's key set",
    caughtBy: "tv-064",
    build: withPorts(({ keys, network }) => ({ keys: searchingEveryCarrier(keys, network) })),
  },
  {
    name: "no-signature-check",
    requirement: "R-6an2f",
    breaks: "takes every signature as valid",
    caughtBy: "tv-069",
    build: withPorts(() => ({ signatures: agreeingToEverything })),
  },
  {
    name: "unbounded-clock-skew",
    requirement: "R-6an2f",
    breaks: "judges exp, nbf and iat with a skew of ten years",
    caughtBy: "tv-101",
    build: withPorts(({ network }) => ({
      network: limits(network, { clock_skew_seconds: 10 * 365 * 86400 }),
    })),
  },
  {
    name: "unbounded-lifetime",
    requirement: "R-rhwar",
    breaks: "ignores the carrier's max_token_lifetime",
    caughtBy: "tv-103",
    build: withPorts(({ network }) => ({
      network: withCarriers(network, (c) => ({
        ...c,
        max_token_lifetime: Number.MAX_SAFE_INTEGER,
      })),
    })),
  },
  // §5.2, §9: receipt keys and receipts
  {
    name: "new-receipt-key-each-time",
    requirement: "R-ctbcq",
    breaks: "signs each receipt with a key generated for it, published nowhere",
    caughtBy: "rc-001",
    build: withPorts(({ receiptKeys }) => ({
      receiptKeys: decorate(receiptKeys, { signingKey: () => generateSigningKey("ES256") }),
    })),
  },
  {
    name: "unpublished-receipt-key",
    requirement: "R-w9cdv",
    breaks: "signs receipts with a key its JWKS does not hold",
    caughtBy: "rc-001",
    build: (honest) => {
      const hidden = generateSigningKey("EdDSA");
      return createGateway({
        ...honest,
        receiptKeys: decorate(honest.receiptKeys, { signingKey: () => hidden }),
      });
    },
  },
  {
    name: "receipt-claims-beyond-schema",
    requirement: "R-m2d80",
    breaks: "adds a member to oct_receipt, re-signed with its own key",
    caughtBy: "rc-001",
    build: (honest) =>
      withJsonAnswers(
        (request, answer) => pathOf(request) === "/v1/redemptions" && answer.status === 201,
        async (json) => ({ ...json, receipt: await resigned(json.receipt, honest) }),
      )(honest),
  },
  {
    name: "carrier-key-signs-receipts",
    requirement: "R-xj0kv",
    breaks: "signs receipts with carrier A's key, and publishes it as a receipt key",
    caughtBy: "rc-005",
    build: withPorts(({ receiptKeys }) => {
      const carrierKey = SUITE_KEYS["carrier-a-eddsa"] as unknown as PrivateJwk;
      return {
        receiptKeys: decorate(receiptKeys, {
          signingKey: async () => carrierKey,
          allKeys: async () => [carrierKey],
        }),
      };
    }),
  },
  // §5.4, §5.5: fetched key sets
  {
    name: "keeps-good-keys-of-bad-sets",
    requirement: "R-wkxj2",
    breaks: "drops the unfit keys of a fetched set and keeps the rest",
    caughtBy: "ks-013",
    build: withPorts((honest) => ({
      keys: fetchedKeys(honest, {
        fetch: editingKeySets((keys) => keys.filter((k) => k.use === undefined || k.use === "sig")),
      }),
    })),
  },
  {
    name: "strips-private-members",
    requirement: "R-y4w8m",
    breaks: "takes a fetched key with a private member, ignoring the member",
    caughtBy: "ks-012",
    build: withPorts((honest) => ({
      keys: fetchedKeys(honest, {
        fetch: editingKeySets((keys) => keys.map(({ d: _, ...key }) => key)),
      }),
    })),
  },
  {
    name: "follows-key-set-redirects",
    requirement: "R-snvsz",
    breaks: "follows a redirect when it fetches a key set",
    caughtBy: "ks-006",
    build: withPorts((honest) => ({
      keys: fetchedKeys(honest, {
        fetch: (input, init) => fetch(input, { ...init, redirect: "follow" }),
      }),
    })),
  },
  {
    name: "waits-for-slow-key-sets",
    requirement: "R-z6kmy",
    breaks: "waits 10 s for a key set",
    caughtBy: "ks-007",
    build: withPorts((honest) => ({
      keys: fetchedKeys(honest, { limits: { jwks_fetch_timeout_ms: 10_000 } }),
    })),
  },
  {
    name: "reads-huge-key-sets",
    requirement: "R-3xg6m",
    breaks: "reads a key set of any size",
    caughtBy: "ks-008",
    build: withPorts((honest) => ({
      keys: fetchedKeys(honest, { limits: { jwks_max_bytes: 1 << 26 } }),
    })),
  },
  {
    name: "takes-any-2xx-key-set",
    requirement: "R-fq1t5",
    breaks: "takes a key set answered with any 2xx status",
    caughtBy: "ks-009",
    build: withPorts((honest) => ({
      keys: fetchedKeys(honest, {
        fetch: async (input, init) => {
          const answer = await fetch(input, init);
          return answer.ok
            ? new Response(answer.body, { status: 200, headers: answer.headers })
            : answer;
        },
      }),
    })),
  },
  {
    name: "key-sets-fresh-too-short",
    requirement: "R-011hp",
    breaks: "treats a fetched set as fresh for 1 s, not jwks_cache_seconds",
    caughtBy: "ks-002",
    build: withPorts((honest) => ({
      keys: fetchedKeys(honest, { limits: { jwks_cache_seconds: 1 } }),
    })),
  },
  {
    name: "serves-stale-key-sets",
    requirement: "R-s6m1j",
    breaks: "goes on serving a stale set (it never refreshes one)",
    caughtBy: "ks-002",
    build: withPorts((honest) => ({
      keys: fetchedKeys(honest, { limits: { jwks_cache_seconds: 86_400 } }),
    })),
  },
  {
    name: "no-key-set-cooldown",
    requirement: "R-q67yk",
    breaks: "refreshes a set for every unknown kid, without a cooldown",
    caughtBy: "ks-004",
    build: withPorts((honest) => ({
      keys: fetchedKeys(honest, { limits: { jwks_cooldown_seconds: 0 } }),
    })),
  },
  {
    name: "unshared-key-set-fetches",
    requirement: "R-05wcw",
    breaks: "starts its own fetch for each verification instead of waiting for the one in flight",
    caughtBy: "ks-005",
    build: withPorts((honest) => ({
      keys: { keyFor: (carrier, kid) => fetchedKeys(honest, {}).keyFor(carrier, kid) },
    })),
  },
  {
    name: "no-key-set-grace",
    requirement: "R-1mqws",
    breaks: "drops the last good set as soon as a refresh fails",
    caughtBy: "ks-003",
    build: withPorts((honest) => ({
      keys: fetchedKeys(honest, { limits: { jwks_grace_seconds: 0 } }),
    })),
  },
  // §6.3: the binding to the ledger
  {
    name: "verifies-without-binding",
    requirement: "R-50rab",
    breaks: "answers verifications, balances and quotes without the face value recorded",
    caughtBy: "rd-025",
    build: withPorts(({ ledger }) => ({
      ledger: decorate(ledger, {
        balance: async (tokenKey, now) => ({
          ...(await ledger.balance(tokenKey, now)),
          recorded: undefined,
        }),
      }),
    })),
  },
  {
    name: "redeems-another-face-value",
    requirement: "R-ahbzx",
    breaks: "redeems a token whose identity is recorded with another face value",
    caughtBy: "rd-016",
    build: withPorts(({ ledger }) => ({
      ledger: decorate(ledger, {
        async reserve(input) {
          const outcome = await ledger.reserve(input);
          return outcome.kind === "mismatch"
            ? ledger.reserve({ ...input, faceValue: outcome.recorded.faceValue })
            : outcome;
        },
      }),
    })),
  },
  {
    name: "forgets-released-face-values",
    requirement: "R-a024f",
    breaks: "forgets the face value an identity recorded when its reservation is released",
    caughtBy: "pv-003",
    build: withPorts(({ ledger }) => {
      const released = new Set<string>();
      return {
        ledger: decorate(ledger, {
          async release(tokenKey, id, failure, now) {
            const record = await ledger.release(tokenKey, id, failure, now);
            const { committed } = await ledger.balance(tokenKey, now);
            if (committed === "0") released.add(tokenKey);
            return record;
          },
          async balance(tokenKey, now) {
            const balance = await ledger.balance(tokenKey, now);
            return released.has(tokenKey) ? { ...balance, recorded: undefined } : balance;
          },
        }),
      };
    }),
  },
  // §7.1, §7.2: the HTTP rules
  {
    name: "takes-any-media-type",
    requirement: "R-4jpwj",
    breaks: "reads a text/plain body as JSON",
    caughtBy: "api-004",
    build: withRequests((request) => {
      const headers = new Headers(request.headers);
      if (headers.has("content-type")) headers.set("content-type", "application/json");
      return rebuilt(request, { headers });
    }),
  },
  {
    name: "ignores-charset",
    requirement: "R-gsavv",
    breaks: "ignores the parameters of Content-Type",
    caughtBy: "api-024",
    build: withRequests((request) => {
      const headers = new Headers(request.headers);
      const type = headers.get("content-type");
      if (type) headers.set("content-type", type.split(";")[0]!);
      return rebuilt(request, { headers });
    }),
  },
  {
    name: "json-as-text",
    requirement: "R-89bhk",
    breaks: "answers JSON as text/plain",
    caughtBy: "api-066",
    build: withAnswers((response) => {
      if (response.headers.get("content-type")?.startsWith("application/json"))
        response.headers.set("content-type", "text/plain; charset=utf-8");
    }),
  },
  {
    name: "unbounded-bodies",
    requirement: "R-nbbh8",
    breaks: "reads a body of any size",
    caughtBy: "api-005",
    build: withPorts(({ network }) => ({
      network: limits(network, { body_max_bytes: 1 << 26 }),
    })),
  },
  {
    name: "open-request-bodies",
    requirement: "R-j97pe",
    breaks: "drops the members a request schema does not know",
    caughtBy: "api-008",
    build: withJsonBodies((body, request) =>
      pathOf(request) === "/v1/verify" ? { token: body.token } : body,
    ),
  },
  {
    name: "repairs-lone-surrogates",
    requirement: "R-6bz14",
    breaks: "replaces an escaped lone surrogate with U+FFFD",
    caughtBy: "api-028",
    build: withRequests(async (request) => {
      if (request.method !== "POST") return request;
      const text = await request.clone().text();
      return rebuilt(request, {
        body: text.replace(/\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])/gi, "\\ufffd"),
      });
    }),
  },
  {
    name: "pointers-to-objects",
    requirement: "R-t2r6z",
    breaks: "names a missing or unknown member by its object's pointer",
    caughtBy: "api-034",
    build: withJsonAnswers(
      (_, answer) => answer.status === 400,
      (problem) => ({
        ...problem,
        ...(problem.errors
          ? { errors: problem.errors.map((e: { pointer: string }) => ({ ...e, pointer: "" })) }
          : {}),
      }),
    ),
  },
  {
    name: "tokens-from-the-query",
    requirement: "R-v06bc",
    breaks: "lets a token query parameter through",
    caughtBy: "api-010",
    build: withRequests((request) => {
      const url = new URL(request.url);
      url.searchParams.delete("token");
      return rebuilt(request, { url: url.href });
    }),
  },
  {
    name: "echoes-tokens",
    requirement: "R-12y98",
    breaks: "repeats the token of a verification in its answer",
    caughtBy: "api-067",
    build: (honest) => {
      const inner = createGateway(honest);
      return new Hono()
        .post("/v1/verify", async (c) => {
          const { token } = (await c.req.raw.clone().json()) as { token: string };
          const answer = await inner.fetch(c.req.raw);
          const json = (await answer.json()) as object;
          return new Response(JSON.stringify({ ...json, token }), answer);
        })
        .all("*", (c) => inner.fetch(c.req.raw));
    },
  },
  {
    name: "no-request-ids",
    requirement: "R-zc3w5",
    breaks: "answers without X-Request-Id",
    caughtBy: "api-014",
    build: withAnswers((response) => response.headers.delete("x-request-id")),
  },
  {
    name: "405-without-allow",
    requirement: "R-z5bvp",
    breaks: "answers 405 without Allow",
    caughtBy: "api-012",
    build: withAnswers((response) => response.headers.delete("allow")),
  },
  {
    name: "forgets-holder-proofs",
    requirement: "R-yfhdk",
    breaks: "admits every holder proof, a replayed one included",
    caughtBy: "rd-039",
    build: withPorts(({ ledger }) => ({ ledger: forgettingProofs(ledger) })),
  },
  ...(
    [
      ["R-mdctv", "rd-015", "spends a bound token without a proof"],
      ["R-n9xtn", "rd-050", "takes a proof typed other than dpop+jwt"],
      ["R-va6nx", "rd-038", "takes a proof by a key the token is not bound to"],
      ["R-re37g", "rd-053", "takes a proof whose signature does not verify"],
      ["R-dmzm7", "rd-041", "takes a proof made for another URL"],
      ["R-w8ss0", "rd-047", "takes a proof made for another token"],
      ["R-mrgq0", "rd-039", "answers a stored redemption to a replayed proof"],
    ] as const
  ).map(([requirement, caughtBy, breaks]): WeakenedGateway => ({
    name: `ignores-holder-binding-${caughtBy}`,
    requirement,
    breaks: `${breaks}: it reads tokens as if they carried no cnf`,
    caughtBy,
    build: withoutHolderBinding,
  })),
  {
    name: "forgets-carried-proofs",
    requirement: "R-3qfha",
    breaks: "admits every holder proof a grant request carries, one already carried included",
    caughtBy: "fd-014",
    build: withPorts(({ ledger }) => ({ ledger: forgettingProofs(ledger) })),
  },
  {
    name: "carried-proof-for-any-peer-path",
    requirement: "R-katr8",
    breaks: "takes a carried holder proof for any URL of the peer's origin, not only under its url",
    caughtBy: "fd-012",
    build: withPorts(({ network }) => ({ network: peersAtTheirOrigin(network) })),
  },
  {
    name: "unbounded-proof-age",
    requirement: "R-22s6b",
    breaks: "takes a holder proof of any age",
    caughtBy: "rd-044",
    build: withPorts(({ network }) => ({
      network: limits(network, { dpop_max_age_seconds: Number.MAX_SAFE_INTEGER }),
    })),
  },
  {
    name: "cacheable-answers",
    requirement: "R-r5vpw",
    breaks: "answers under /v1/ without Cache-Control: no-store",
    caughtBy: "api-015",
    build: withAnswers((response) => response.headers.delete("cache-control")),
  },
  {
    name: "no-retry-after",
    requirement: "R-1re8j",
    breaks: "answers 429 without Retry-After",
    caughtBy: "rd-019",
    build: withAnswers((response) => response.headers.delete("retry-after")),
  },
  {
    name: "no-location",
    requirement: "R-ejdqx",
    breaks: "answers a created redemption without Location",
    caughtBy: "rd-001",
    build: withAnswers((response) => response.headers.delete("location")),
  },
  {
    name: "closed-query",
    requirement: "R-v87cs",
    breaks: "refuses a query parameter it does not know",
    caughtBy: "api-051",
    build: around(async (request, gateway) => {
      const known = new Set(["token", "from", "to", "carrier", "provider", "format"]);
      const url = new URL(request.url);
      if ([...url.searchParams.keys()].some((name) => !known.has(name)))
        return Response.json(
          {
            type: "urn:oct:error:request_invalid",
            title: "Body, query or header field invalid",
            status: 400,
            code: "request_invalid",
          },
          { status: 400, headers: { "content-type": "application/problem+json" } },
        );
      return gateway(request);
    }),
  },
  {
    name: "media-type-before-size",
    requirement: "R-a2ezp",
    breaks: "judges the media type before the body's size",
    caughtBy: "api-045",
    build: around(async (request, gateway) => {
      const type = request.headers.get("content-type");
      if (request.method === "POST" && type !== null && !/^application\/json/i.test(type))
        return Response.json(
          {
            type: "urn:oct:error:unsupported_media_type",
            title: "Unsupported media type",
            status: 415,
            code: "unsupported_media_type",
          },
          {
            status: 415,
            headers: { "content-type": "application/problem+json", "x-request-id": "front" },
          },
        );
      return gateway(request);
    }),
  },
  {
    name: "problems-as-json",
    requirement: "R-nzab5",
    breaks: "answers problems as application/json",
    caughtBy: "api-013",
    build: withAnswers((response) => {
      if (response.headers.get("content-type")?.startsWith("application/problem+json"))
        response.headers.set("content-type", "application/json");
    }),
  },
  {
    name: "401-without-challenge",
    requirement: "R-fbmnr",
    breaks: "answers 401 without WWW-Authenticate",
    caughtBy: "api-016",
    build: withAnswers((response) => response.headers.delete("www-authenticate")),
  },
  // §7.3-§7.11: the endpoints
  {
    name: "metadata-without-receipt-keys",
    requirement: "R-52kk2",
    breaks: "announces no receipt keys in its metadata",
    caughtBy: "rc-005",
    build: withJsonAnswers(
      (request) => pathOf(request) === "/.well-known/oct-gateway",
      (metadata) => ({ ...metadata, receipt_jwks: { keys: metadata.receipt_jwks.keys.slice(1) } }),
    ),
  },
  {
    name: "private-receipt-keys",
    requirement: "R-t0xh1",
    breaks: "publishes its receipt keys with their private member",
    caughtBy: "api-003",
    build: (honest) =>
      withJsonAnswers(
        (request) => pathOf(request) === "/.well-known/jwks.json",
        async () => ({ keys: await honest.receiptKeys.allKeys() }),
      )(honest),
  },
  {
    name: "refusals-as-problems",
    requirement: "R-jyxwc",
    breaks: "answers a refused verification with a 401 problem, not a 200 verdict",
    caughtBy: "tv-069",
    build: around(async (request, gateway) => {
      const answer = await gateway(request);
      if (pathOf(request) !== "/v1/verify" || answer.status !== 200) return answer;
      const verdict = (await answer.json()) as { valid: boolean; error?: string };
      if (verdict.valid) return Response.json(verdict, answer);
      return Response.json(
        {
          type: `urn:oct:error:${verdict.error}`,
          title: "refused",
          status: 401,
          code: verdict.error,
        },
        {
          status: 401,
          headers: {
            "content-type": "application/problem+json",
            "www-authenticate": `OCT error="${verdict.error}"`,
          },
        },
      );
    }),
  },
  {
    name: "unavailable-keys-as-verdicts",
    requirement: "R-keb49",
    breaks: "answers keys_unavailable as a 200 verdict",
    caughtBy: "tv-066",
    build: around(async (request, gateway) => {
      const answer = await gateway(request);
      if (pathOf(request) !== "/v1/verify" || answer.status !== 503) return answer;
      return Response.json({ valid: false, error: "keys_unavailable" });
    }),
  },
  {
    name: "unbounded-quotes",
    requirement: "R-8d7gv",
    breaks: "lets a token hold any number of live quotes",
    caughtBy: "rd-019",
    build: withPorts(({ network }) => ({
      network: limits(network, { quote_max_live_per_token: 1_000_000 }),
    })),
  },
  {
    name: "reserved-remaining-before",
    requirement: "R-cdv3m",
    breaks: "shows a reserved redemption's remaining from before its own debit",
    caughtBy: "pv-007",
    build: withJsonAnswers(
      (request, answer) =>
        request.method === "GET" &&
        pathOf(request).startsWith("/v1/redemptions/") &&
        answer.status === 200,
      (redemption) =>
        redemption.status !== "reserved"
          ? redemption
          : {
              ...redemption,
              remaining: {
                ...redemption.remaining,
                amount: formatAmount(
                  parseAmount(redemption.remaining.amount) + parseAmount(redemption.debited.amount),
                ),
              },
            },
    ),
  },
  {
    name: "open-settlement-query",
    requirement: "R-k9d9q",
    breaks: "drops unknown settlement query parameters instead of refusing them",
    caughtBy: "api-021",
    build: withRequests((request) => {
      const url = new URL(request.url);
      if (url.pathname !== "/v1/settlements") return request;
      const known = new Set(["from", "to", "carrier", "provider", "format", "token"]);
      for (const name of [...url.searchParams.keys()])
        if (!known.has(name)) url.searchParams.delete(name);
      return rebuilt(request, { url: url.href });
    }),
  },
  {
    name: "normalised-periods",
    requirement: "R-ks2qg",
    breaks: "echoes the settlement period normalised, not as sent",
    caughtBy: "api-054",
    build: withJsonAnswers(
      (request, answer) => pathOf(request) === "/v1/settlements" && answer.status === 200,
      (report) => ({
        ...report,
        period: {
          from: new Date(report.period.from).toISOString(),
          to: new Date(report.period.to).toISOString(),
        },
      }),
    ),
  },
  {
    name: "unhealthy-health",
    requirement: "R-czpw5",
    breaks: "answers /healthz with another status member",
    caughtBy: "api-001",
    build: withJsonAnswers(
      (request) => pathOf(request) === "/healthz",
      () => ({ status: "up" }),
    ),
  },
  {
    name: "subjects-in-metrics",
    requirement: "R-25ap0",
    breaks: "shows the subject of the last verified token in /metrics",
    caughtBy: "api-069",
    build: (honest) => {
      const inner = createGateway(honest);
      let lastSubject = "";
      return new Hono()
        .post("/v1/verify", async (c) => {
          const answer = await inner.fetch(c.req.raw);
          const verdict = (await answer.clone().json()) as { claims?: { sub?: string } };
          lastSubject = verdict.claims?.sub ?? lastSubject;
          return answer;
        })
        .get("/metrics", async (c) => {
          const answer = await inner.fetch(c.req.raw);
          return new Response(`${await answer.text()}# last subject ${lastSubject}\n`, answer);
        })
        .all("*", (c) => inner.fetch(c.req.raw));
    },
  },
  // §8: redemption
  {
    name: "short-ids",
    requirement: "R-kqmpm",
    breaks: "answers ids of 8 characters, too short for 122 random bits",
    caughtBy: "api-068",
    run: ["rd-001", "api-068"],
    build: withJsonAnswers(
      (request, answer) => request.method === "POST" && answer.status === 201,
      (json) => ({ ...json, id: String(json.id).slice(0, 8) }),
    ),
  },
  {
    name: "racy-reservations",
    requirement: "R-vkj6c",
    breaks: "checks a reservation against the balance outside the serialised step",
    caughtBy: "rd-006",
    build: withPorts(({ ledger }) => ({
      ledger: faceValuesApart(ledger, async (tokenKey, face, debit) => {
        const { committed, reserved } = await ledger.balance(tokenKey, Date.now());
        // Other requests reserve meanwhile: what this check read is stale by then.
        await new Promise((resolve) => setTimeout(resolve, 250));
        return (
          parseAmount(committed) + parseAmount(reserved) + parseAmount(debit) <= parseAmount(face)
        );
      }),
    })),
  },
  {
    name: "spends-beyond-face-value",
    requirement: "R-7wn3v",
    breaks: "reserves whatever the balance",
    caughtBy: "rd-005",
    build: withPorts(({ ledger }) => ({ ledger: faceValuesApart(ledger, async () => true) })),
  },
  {
    name: "any-provider",
    requirement: "R-374kb",
    breaks: "quotes at a provider it does not know, as its first provider",
    caughtBy: "conv-021",
    build: withPorts(({ network }) => ({
      network: {
        ...network,
        providerById: (id) => network.providerById(id) ?? network.providers[0],
      },
    })),
  },
  {
    name: "redeems-at-any-provider",
    requirement: "R-89jx8",
    breaks: "redeems at a provider it does not know, as its first provider",
    caughtBy: "rd-020",
    build: withPorts(({ network }) => ({
      network: {
        ...network,
        providerById: (id) => network.providerById(id) ?? network.providers[0],
      },
    })),
  },
  {
    name: "quotes-unknown-units",
    requirement: "R-ttjkm",
    breaks: "quotes a unit the registry lacks as pflop",
    caughtBy: "conv-022",
    build: withJsonBodies((body, request) =>
      pathOf(request) === "/v1/quotes" &&
      typeof body.unit === "string" &&
      !REGISTERED.has(body.unit)
        ? { ...body, unit: "pflop" }
        : body,
    ),
  },
  {
    name: "redeems-unknown-units",
    requirement: "R-wwm01",
    breaks: "redeems a unit the registry lacks as pflop",
    caughtBy: "rd-021",
    build: withJsonBodies((body, request) =>
      pathOf(request) === "/v1/redemptions" &&
      typeof body.unit === "string" &&
      !REGISTERED.has(body.unit)
        ? { ...body, unit: "pflop" }
        : body,
    ),
  },
  {
    name: "quotes-beyond-constraints",
    requirement: "R-53q9n",
    breaks: "ignores the token's redeem constraints when it quotes",
    caughtBy: "conv-024",
    build: remintingTokens(["/v1/quotes"], (claims) => delete claims.oct.redeem),
  },
  {
    name: "redeems-beyond-constraints",
    requirement: "R-cr1xg",
    breaks: "ignores the token's redeem constraints when it redeems",
    caughtBy: "rd-007",
    build: remintingTokens(["/v1/redemptions"], (claims) => delete claims.oct.redeem),
  },
  {
    name: "quotes-ended-tariffs",
    requirement: "R-hjrnc",
    breaks: "takes a tariff that has ended as in force, when it quotes",
    caughtBy: "conv-020",
    build: endlessAt("/v1/quotes"),
  },
  {
    name: "redeems-at-ended-tariffs",
    requirement: "R-v3rg4",
    breaks: "takes a tariff that has ended as in force, when it redeems",
    caughtBy: "rd-011",
    build: endlessAt("/v1/redemptions"),
  },
  {
    name: "quotes-beyond-the-balance",
    requirement: "R-tfbam",
    breaks: "quotes a debit larger than the remaining balance",
    caughtBy: "conv-014",
    build: remintingTokens(["/v1/quotes"], (claims) => (claims.oct.amount = BOUNDLESS)),
  },
  {
    name: "long-lived-quotes",
    requirement: "R-h5a8z",
    breaks: "makes quotes live ten times quote_ttl_seconds",
    caughtBy: "conv-025",
    build: withPorts(({ network }) => ({
      network: limits(network, { quote_ttl_seconds: network.limits.quote_ttl_seconds * 10 }),
    })),
  },
  {
    name: "expired-quotes-honoured",
    requirement: "R-mn0nk",
    breaks: "honours a cited quote for an hour after it expired",
    caughtBy: "rd-022",
    build: withPorts(({ network }) => ({
      network: limits(network, { quote_ttl_seconds: 3600 }),
    })),
  },
  {
    name: "default-idempotency-key",
    requirement: "R-q7wz3",
    breaks: "gives a redemption without Idempotency-Key a key of its own",
    caughtBy: "rd-004",
    build: withRequests((request) => {
      if (pathOf(request) !== "/v1/redemptions" || request.headers.has("idempotency-key"))
        return request;
      const headers = new Headers(request.headers);
      headers.set("idempotency-key", crypto.randomUUID());
      return rebuilt(request, { headers });
    }),
  },
  {
    name: "fingerprints-the-identity",
    requirement: "R-03g84",
    breaks: "takes a retry with a re-signed token of the same identity as the same request",
    caughtBy: "rd-024",
    build: (honest) => {
      const first = new Map<string, string>();
      return withJsonBodies((body, request) => {
        if (pathOf(request) !== "/v1/redemptions" || typeof body.token !== "string") return body;
        const claims = JSON.parse(Buffer.from(body.token.split(".")[1]!, "base64url").toString());
        const key = `${claims.iss} ${claims.jti} ${request.headers.get("idempotency-key")}`;
        if (!first.has(key)) first.set(key, body.token);
        return { ...body, token: first.get(key) };
      })(honest);
    },
  },
  {
    name: "replays-other-answers",
    requirement: "R-0w3rx",
    breaks: "replays a stored redemption without its receipt",
    caughtBy: "rd-002",
    build: withJsonAnswers(
      (_, answer) => answer.headers.get("idempotent-replayed") === "true",
      ({ receipt: _, ...redemption }) => redemption,
    ),
  },
  {
    name: "webhook-failures-accepted",
    requirement: "R-p93ve",
    breaks: "takes a provider's refusal as acceptance",
    caughtBy: "pv-003",
    build: withPorts(({ adapterFor }) => ({
      adapterFor: (provider) => {
        const adapter = adapterFor(provider);
        return {
          async deliver(redemption, receipt) {
            try {
              await adapter.deliver(redemption, receipt);
            } catch (error) {
              if ((error as { status?: number }).status !== 502) throw error;
            }
          },
        };
      },
    })),
  },
  // §10: settlement
  {
    name: "unfiltered-settlement",
    requirement: "R-fpy5g",
    breaks: "ignores the carrier and provider filters of a report",
    caughtBy: "st-002",
    build: withPorts(({ settlements }) => ({
      settlements: {
        sums: ({ from, to }) => settlements.sums({ from, to }),
        list: (query) => settlements.list(query),
      },
    })),
  },
  {
    name: "unsigned-reports",
    requirement: "R-zy98r",
    breaks: "answers settlement reports without signature",
    caughtBy: "api-022",
    build: withJsonAnswers(
      (request, answer) => pathOf(request) === "/v1/settlements" && answer.status === 200,
      ({ signature: _, ...report }) => report,
    ),
  },
  {
    name: "csv-with-lf",
    requirement: "R-vmh9k",
    breaks: "ends CSV lines with LF, not CRLF",
    caughtBy: "st-003",
    build: around(async (request, gateway) => {
      const answer = await gateway(request);
      if (!answer.headers.get("content-type")?.startsWith("text/csv")) return answer;
      return new Response((await answer.text()).replace(/\r\n/g, "\n"), answer);
    }),
  },
  // §7.8, §8.6, §8.8: authorisations, their capture, void and expiry
  ...[
    { requirement: "R-bs5kh", name: "captures-in-any-unit" },
    { requirement: "R-fmean", name: "captures-another-unit" },
  ].map(({ requirement, name }) => ({
    name,
    requirement,
    breaks: "takes a capture in another unit as a capture of the authorised credit",
    caughtBy: "rd-030",
    build: authorisationFront(async (request, gateway, authorisation) => {
      if (!pathOf(request).endsWith("/capture")) return gateway(request);
      const body = (await request.clone().json()) as Record<string, unknown>;
      const unit = authorisation.authorized.credited.unit;
      return gateway(rebuilt(request, { body: JSON.stringify({ ...body, unit }) }));
    }),
  })),
  {
    name: "captures-beyond-authorisation",
    requirement: "R-23wcj",
    breaks: "captures the whole authorisation when asked for more than it holds",
    caughtBy: "rd-030",
    build: authorisationFront(async (request, gateway, authorisation) => {
      if (!pathOf(request).endsWith("/capture")) return gateway(request);
      const body = (await request.clone().json()) as { amount: string };
      const authorised = authorisation.authorized.credited.amount;
      const more = parseAmount(body.amount) > parseAmount(authorised);
      if (!more) return gateway(request);
      const clamped = JSON.stringify({ ...body, amount: authorised });
      return gateway(rebuilt(request, { body: clamped }));
    }),
  },
  {
    name: "captures-any-redemption",
    requirement: "R-fqmh3",
    breaks: "answers a capture of a redemption captured at once with the redemption, 200",
    caughtBy: "rd-034",
    build: around(async (request, gateway) => {
      const action = /^\/v1\/redemptions\/([^/]+)\/capture$/.exec(pathOf(request));
      const answer = await gateway(request);
      if (!action || answer.status !== 404) return answer;
      const url = new URL(`/v1/redemptions/${action[1]}`, request.url);
      const redemption = await gateway(new Request(url));
      return redemption.status === 200 ? redemption : answer;
    }),
  },
  {
    name: "void-without-release",
    requirement: "R-vsc7e",
    breaks: "answers a void as voided but leaves the authorisation's hold in place",
    caughtBy: "rd-031",
    build: authorisationFront(async (request, gateway, authorisation) => {
      if (!pathOf(request).endsWith("/void")) return gateway(request);
      const voided = { ...authorisation, status: "voided" };
      return new Response(JSON.stringify(voided), {
        status: 200,
        headers: { "content-type": "application/json", "cache-control": "no-store" },
      });
    }),
  },
  {
    name: "authorisations-never-lapse",
    requirement: "R-kprt9",
    breaks: "keeps an authorisation open for a day, whatever authorization_ttl_seconds says",
    caughtBy: "rd-033",
    build: withPorts(({ network }) => ({
      network: limits(network, { authorization_ttl_seconds: 86_400 }),
    })),
  },
  {
    name: "balances-ignore-lapsed-holds",
    requirement: "R-0fnsx",
    breaks: "reads a balance as of ten seconds ago, counting holds that lapsed since as held",
    caughtBy: "rd-033",
    build: withPorts(({ ledger }) => ({
      ledger: decorate(ledger, {
        balance: (tokenKey: string, now: number) => ledger.balance(tokenKey, now - 10_000),
      }),
    })),
  },
];

interface Authorisation {
  status: string;
  authorized: { credited: { amount: string; unit: string } };
}

/**
 * The honest gateway behind a front that sees each capture or void with the
 * authorisation it names (read first with `GET`); other requests, and
 * actions on ids the gateway does not know, pass through unchanged.
 */
function authorisationFront(
  front: (
    request: Request,
    gateway: (request: Request) => Promise<Response>,
    authorisation: Authorisation,
  ) => Promise<Response>,
) {
  return around(async (request, gateway) => {
    const action = /^\/v1\/redemptions\/([^/]+)\/(capture|void)$/.exec(pathOf(request));
    if (!action || request.method !== "POST") return gateway(request);
    const read = await gateway(new Request(new URL(`/v1/redemptions/${action[1]}`, request.url)));
    if (read.status !== 200) return gateway(request);
    const authorisation = (await read.json()) as Partial<Authorisation>;
    if (authorisation.status !== "authorized" || !authorisation.authorized) return gateway(request);
    return front(request, gateway, authorisation as Authorisation);
  });
}

/** The honest gateway, but for `path`, which a gateway whose tariffs never end serves. */
function endlessAt(path: string) {
  return (honest: GatewayPorts): FetchHandler => {
    const { network } = honest;
    const tariffs = network.tariffs.map(({ valid_until: _, ...tariff }) => tariff);
    const endless = createGateway({ ...honest, network: { ...network, tariffs } });
    return around((request, gateway) =>
      pathOf(request) === path ? Promise.resolve(endless.fetch(request)) : gateway(request),
    )(honest);
  };
}

/** A receipt with a member its schema does not allow, signed again with the gateway's key. */
async function resigned(receipt: string, honest: GatewayPorts): Promise<string> {
  const key = await honest.receiptKeys.signingKey();
  const claims = JSON.parse(Buffer.from(receipt.split(".")[1]!, "base64url").toString("utf8"));
  claims.oct_receipt.note = "beyond the schema";
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader(decodeProtectedHeader(receipt) as { alg: string })
    .sign(await importJWK(key, key.alg));
}
