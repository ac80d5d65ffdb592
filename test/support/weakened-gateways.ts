/**
 * @module Deliberately weakened gateways, for the conformance suite's
 * self-test: each breaks one rule of the spec and must fail at least one
 * MUST case. None of them reaches into the core: a variant is built around
 * the honest code from the outside, by decorating a port the gateway already
 * takes (a network that trusts any `iss`, a key source that searches every
 * carrier, a signature verifier that always agrees) or by wrapping the app in
 * a middleware that breaks one HTTP rule. Checks that no port can reach (the
 * parse-level ones of §6.2 steps 2-4 and 8) are proven by mutation testing
 * instead (`npm run test:mutation`, `test/mutation/README.md`).
 */
import { Hono } from "hono";
import type { Carrier, Network } from "../../src/core/network/config.ts";
import { ALLOWED_ALGORITHMS } from "../../src/core/token/header.ts";
import { createGateway } from "../../src/gateway/app.ts";
import type { GatewayPorts } from "../../src/gateway/ports.ts";
import type { KeySource } from "../../src/ports/keys.ts";
import type { SignatureVerifier } from "../../src/ports/signatures.ts";
import type { StatusListSource } from "../../src/ports/status-lists.ts";
import type { AssertionJtis } from "../../src/ports/assertion-jtis.ts";
import { makeClientAssertion } from "../../src/core/party/make-assertion.ts";
import type { PrivateJwk } from "../../src/core/signing/keys.ts";
import conformanceKeys from "../../conformance/vectors/keys.json" with { type: "json" };
import { RemoteStatusLists } from "../../src/adapters/status/remote-status-lists.ts";

/** Anything that answers HTTP requests: a Hono app or a wrapper around one. */
export interface FetchHandler {
  fetch(request: Request): Response | Promise<Response>;
}

export interface WeakenedGateway {
  /** A short name, for test titles and reports. */
  name: string;
  /** The rule it breaks, as the spec states it. */
  breaks: string;
  /** Where the spec states it. */
  section: string;
  /** The conformance suites to run against it. */
  suites: string[];
  /** A MUST case that fails against this variant (others may fail too). */
  caughtBy: string;
  /** The weakened gateway, built from the honest ports. */
  build(honest: GatewayPorts): FetchHandler;
}

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

/** Status lists that never revoke or suspend anything. */
const everyTokenValid: StatusListSource = { statusOf: async () => 0 };

/** The honest gateway with some ports replaced. */
const withPorts =
  (change: (honest: GatewayPorts) => Partial<GatewayPorts>) =>
  (honest: GatewayPorts): FetchHandler =>
    createGateway({ ...honest, ...change(honest) });

/** The honest gateway behind a middleware that edits every answer. */
const withAnswers =
  (edit: (response: Response) => void) =>
  (honest: GatewayPorts): FetchHandler => {
    const inner = createGateway(honest);
    return new Hono().all("*", async (c) => {
      const answer = await inner.fetch(c.req.raw);
      const response = new Response(answer.body, answer);
      edit(response);
      return response;
    });
  };

/** A memory of assertions that forgets at once: every assertion is new to it. */
const forgettingAssertions: AssertionJtis = { claim: async () => true };

/**
 * The honest gateway behind a middleware that authenticates anonymous
 * requests as its operator: the books and the metrics answer anybody.
 */
const answeringAnybody = (honest: GatewayPorts): FetchHandler => {
  const inner = createGateway(honest);
  const operator = honest.network.operators[0]!;
  const key = conformanceKeys.keys["operator-eddsa"] as PrivateJwk;
  return new Hono().all("*", async (c) => {
    const request = new Request(c.req.raw);
    if (!request.headers.has("authorization")) {
      const assertion = await makeClientAssertion({
        party: `operator:${operator.id}`,
        gateway: honest.network.gatewayId,
        key,
        now: Math.floor(honest.clock.now() / 1000),
      });
      request.headers.set("authorization", `Bearer ${assertion}`);
    }
    return inner.fetch(request);
  });
};

/**
 * The honest gateway behind a middleware that drops the carrier and
 * provider filters: a filter beyond a party's reach is narrowed in silence
 * to its own lines instead of refused.
 */
const narrowingInSilence = (honest: GatewayPorts): FetchHandler => {
  const inner = createGateway(honest);
  return new Hono().all("*", async (c) => {
    const url = new URL(c.req.url);
    url.searchParams.delete("carrier");
    url.searchParams.delete("provider");
    return inner.fetch(new Request(url, c.req.raw));
  });
};

const limits = (network: Network, change: Partial<Network["limits"]>): Network => ({
  ...network,
  limits: { ...network.limits, ...change },
});

export const WEAKENED_GATEWAYS: readonly WeakenedGateway[] = [
  {
    name: "no-size-cap",
    breaks: "a token longer than token_max_bytes is refused before decoding",
    section: "6.2 step 1",
    suites: ["token-verification"],
    caughtBy: "tv-012",
    build: withPorts(({ network }) => ({
      network: limits(network, { token_max_bytes: Number.MAX_SAFE_INTEGER }),
    })),
  },
  {
    name: "trusts-any-issuer",
    breaks: "iss matches a configured carrier exactly, or the token is refused",
    section: "6.2 step 5",
    suites: ["token-verification"],
    caughtBy: "tv-054",
    build: withPorts(({ network }) => ({ network: trustingAnyIssuer(network) })),
  },
  {
    name: "ignores-suspension",
    breaks: "a suspended carrier's tokens are refused",
    section: "6.2 step 5",
    suites: ["token-verification"],
    caughtBy: "tv-059",
    build: withPorts(({ network }) => ({
      network: withCarriers(network, (c) => ({ ...c, status: "active" })),
    })),
  },
  {
    name: "ignores-carrier-algorithms",
    breaks: "alg is one of the carrier's algorithms",
    section: "6.2 step 5",
    suites: ["token-verification"],
    caughtBy: "tv-060",
    build: withPorts(({ network }) => ({
      network: withCarriers(network, (c) => ({ ...c, algorithms: [...ALLOWED_ALGORITHMS] })),
    })),
  },
  {
    name: "keys-cross-carriers",
    breaks: "the key is looked up by kid within the issuing carrier's key set only",
    section: "6.2 step 6",
    suites: ["token-verification"],
    caughtBy: "tv-064",
    build: withPorts(({ keys, network }) => ({ keys: searchingEveryCarrier(keys, network) })),
  },
  {
    name: "no-signature-check",
    breaks: "the signature verifies with the carrier's key",
    section: "6.2 step 7",
    suites: ["token-verification"],
    caughtBy: "tv-069",
    build: withPorts(() => ({ signatures: agreeingToEverything })),
  },
  {
    name: "unbounded-clock-skew",
    breaks: "exp, nbf and iat are judged with a skew of at most clock_skew_seconds",
    section: "6.2 step 8",
    suites: ["token-verification"],
    caughtBy: "tv-101",
    build: withPorts(({ network }) => ({
      network: limits(network, { clock_skew_seconds: 10 * 365 * 86400 }),
    })),
  },
  {
    name: "unbounded-lifetime",
    breaks: "exp - iat is at most the carrier's max_token_lifetime (400 days by default)",
    section: "6.2 step 8",
    suites: ["token-verification"],
    caughtBy: "tv-103",
    build: withPorts(({ network }) => ({
      network: withCarriers(network, (c) => ({
        ...c,
        max_token_lifetime: Number.MAX_SAFE_INTEGER,
      })),
    })),
  },
  {
    name: "ignores-token-status",
    breaks: "a token whose status list entry is not VALID is refused",
    section: "6.2 step 9",
    suites: ["status-lists"],
    caughtBy: "tsl-002",
    build: withPorts(() => ({ statusLists: everyTokenValid })),
  },
  {
    name: "lists-signed-by-any-carrier",
    breaks: "a status list is verified with the keys of the token's carrier only",
    section: "6.4",
    suites: ["status-lists"],
    caughtBy: "tsl-010",
    build: withPorts(({ network, keys, clock, signatures }) => ({
      statusLists: new RemoteStatusLists({
        clock,
        limits: network.limits,
        keys: searchingEveryCarrier(keys, network),
        signatures,
      }),
    })),
  },
  {
    name: "books-open-to-anybody",
    breaks:
      "settlement reports, redemption listings and metrics answer an authenticated party only",
    section: "7.13",
    suites: ["http-api"],
    caughtBy: "api-034",
    build: answeringAnybody,
  },
  {
    name: "replayable-assertions",
    breaks: "a client assertion serves one request: its jti is not accepted twice",
    section: "7.13 step 6",
    suites: ["http-api"],
    caughtBy: "api-043",
    build: withPorts(() => ({ assertions: forgettingAssertions })),
  },
  {
    name: "narrows-in-silence",
    breaks: "a filter beyond the party's reach is refused with party_forbidden, never narrowed",
    section: "7.13",
    suites: ["http-api"],
    caughtBy: "api-053",
    build: narrowingInSilence,
  },
  {
    name: "cacheable-answers",
    breaks: "responses under /v1/ carry Cache-Control: no-store",
    section: "7.1",
    suites: ["http-api"],
    caughtBy: "api-015",
    build: withAnswers((response) => response.headers.delete("cache-control")),
  },
];
