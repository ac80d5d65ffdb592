/**
 * @module Network configurations refused at load by the rules this suite
 * adds to `spec/oct.md` §5 (limits, timestamps, peers and homes), each with the JSON Pointer
 * the refusal names: walked by the Node and workerd tests.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, loadNetwork, type NetworkDocument } from "../../src/core/network/config.ts";
import { testKeys, testNetworkDocument } from "./network.ts";

type Patch = (document: NetworkDocument) => Partial<NetworkDocument>;

/** The test network's first tariff with `changes`. */
const tariffWith =
  (changes: Record<string, string>): Patch =>
  (document) => ({ tariffs: [{ ...document.tariffs[0]!, ...changes }] });

/** A peer of the test network, carrier A's keys standing in for the peer's. */
const peer =
  (changes: Record<string, unknown> = {}) =>
  (document: NetworkDocument) => ({
    id: "https://gw.peer.example",
    url: "https://gw.peer.example",
    jwks: document.carriers[0]!.jwks!,
    ...changes,
  });

/** The test network with one webhook provider (`timeout_ms` as given) and a reservation lifetime. */
const webhookWith =
  (timeout: number | undefined, ttl: number): Patch =>
  (document) => ({
    providers: [
      ...document.providers,
      {
        id: "hook",
        adapter: "webhook",
        units: ["pflop"],
        endpoint: "https://hook.example/redeem",
        ...(timeout !== undefined ? { timeout_ms: timeout } : {}),
      },
    ],
    limits: { ...document.limits, reservation_ttl_seconds: ttl },
  });

const REFUSED: [string, Patch, string][] = [
  [
    "a webhook timeout as long as the reservation lifetime (§5.6)",
    webhookWith(5000, 5),
    "/providers/2/timeout_ms",
  ],
  [
    "a webhook without timeout_ms, whose default outlasts a reservation of 10 s (§5.6)",
    webhookWith(undefined, 10),
    "/providers/2",
  ],
  [
    "a header time longer than the request time",
    () => ({ limits: { http_headers_timeout_ms: 20_000, http_request_timeout_ms: 10_000 } }),
    "/limits/http_headers_timeout_ms",
  ],
  [
    "a tariff from February 30",
    tariffWith({ valid_from: "2026-02-30T00:00:00Z" }),
    "/tariffs/0/valid_from",
  ],
  [
    "a peer with this gateway's own id",
    (document) => ({ peers: [peer({ id: document.gateway.id })(document)] }),
    "/peers/0/id",
  ],
  [
    "two peers with one id",
    (document) => ({ peers: [peer()(document), peer({ url: "https://other.example" })(document)] }),
    "/peers/1/id",
  ],
  [
    "a peer url with a query",
    (document) => ({ peers: [peer({ url: "https://gw.peer.example/?x=1" })(document)] }),
    "/peers/0/url",
  ],
  [
    "a carrier home that is neither this gateway nor a peer",
    (document) => ({
      peers: [peer()(document)],
      carriers: [
        {
          ...document.carriers[0]!,
          homes: ["https://gw.peer.example", "https://gw.elsewhere.example"],
        },
      ],
    }),
    "/carriers/0/homes/1",
  ],
  [
    "a report window shorter than twice the clock skew",
    () => ({ limits: { clock_skew_seconds: 60 }, federation: { report_window_seconds: 119 } }),
    "/federation/report_window_seconds",
  ],
  [
    "a tariff until hour 24",
    tariffWith({ valid_until: "2027-01-01T24:00:00Z" }),
    "/tariffs/0/valid_until",
  ],
  [
    "a status list URL with a query",
    (document) => ({
      carriers: [
        {
          ...document.carriers[0]!,
          status_lists: ["https://tokens.carrier-a.example/status/", "https://x.example/s?list=1"],
        },
      ],
    }),
    "/carriers/0/status_lists/1",
  ],
  [
    "a status list URL with credentials",
    (document) => ({
      carriers: [{ ...document.carriers[0]!, status_lists: ["https://user:pw@x.example/status/"] }],
    }),
    "/carriers/0/status_lists/0",
  ],
  [
    "two operators with one id",
    (document) => ({
      gateway: {
        ...document.gateway,
        operators: [document.gateway.operators![0]!, document.gateway.operators![0]!],
      },
    }),
    "/gateway/operators/1/id",
  ],
  [
    "an operator's jwks_uri with credentials",
    (document) => ({
      gateway: {
        ...document.gateway,
        operators: [{ id: "noc", jwks_uri: "https://user:pw@noc.example/jwks.json" }],
      },
    }),
    "/gateway/operators/0/jwks_uri",
  ],
  [
    "a provider key set with one kid twice",
    (document) => {
      const key = document.providers[0]!.jwks!.keys[0]!;
      return { providers: [{ ...document.providers[0]!, jwks: { keys: [key, key] } }] };
    },
    "/providers/0/jwks",
  ],
];

export function defineConfigRefusals(): void {
  describe("configurations refused at load", () => {
    it.each(REFUSED)("refuses %s", async (_, patch, pointer) => {
      const base = testNetworkDocument(await testKeys());
      const document = { ...base, ...patch(base) };
      let refusal: unknown;
      try {
        loadNetwork(document);
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(ConfigError);
      expect((refusal as ConfigError).pointer).toBe(pointer);
    });

    it("accepts a webhook timeout just below the reservation lifetime, the default's too", async () => {
      const base = testNetworkDocument(await testKeys());
      expect(() => loadNetwork({ ...base, ...webhookWith(4999, 5)(base) })).not.toThrow();
      expect(() => loadNetwork({ ...base, ...webhookWith(undefined, 11)(base) })).not.toThrow();
    });

    it("accepts the http limits at their bounds", async () => {
      const document = testNetworkDocument(await testKeys(), {
        limits: {
          http_max_connections: 1,
          http_headers_timeout_ms: 5000,
          http_request_timeout_ms: 5000,
          http_keep_alive_timeout_ms: 1,
        },
      });
      expect(loadNetwork(document).limits).toMatchObject({ http_request_timeout_ms: 5000 });
    });

    it("loads peers and homes, the federation settings defaulted (spec §5.10, §5.11)", async () => {
      const base = testNetworkDocument(await testKeys());
      const network = loadNetwork({
        ...base,
        peers: [peer()(base)],
        carriers: [{ ...base.carriers[0]!, homes: [base.gateway.id, "https://gw.peer.example"] }],
        federation: { prefetch_factor: 1, report_window_seconds: 120 },
      });
      expect(network.peerById("https://gw.peer.example")?.inlineKeys.size).toBe(2);
      expect(network.peerById(base.gateway.id)).toBeUndefined();
      expect(network.carriers[0]!.homes).toEqual([base.gateway.id, "https://gw.peer.example"]);
      expect(network.federation).toMatchObject({
        prefetch_factor: 1,
        report_window_seconds: 120,
        grant_ttl_seconds: 300,
        peer_timeout_ms: 5000,
      });
      expect(loadNetwork(base).peers).toEqual([]);
    });

    it("lowers the default header time to a shorter configured request time", async () => {
      const document = testNetworkDocument(await testKeys(), {
        limits: { http_request_timeout_ms: 4000 },
      });
      expect(loadNetwork(document).limits).toMatchObject({ http_headers_timeout_ms: 4000 });
    });
  });
}
