/**
 * @module Documents between gateways (`spec/oct.md` §11.3, §11.4), written
 * once and run on both runtimes: grant requests, grants and usage reports
 * verify where they are addressed, and every refusal of §11.4 has its code.
 */
import { CompactSign, importJWK } from "jose";
import { describe, expect, it } from "vitest";
import { webCryptoSignatures } from "../../src/adapters/crypto/web-crypto-signatures.ts";
import { CarrierKeys } from "../../src/adapters/keys/carrier-keys.ts";
import { RemoteJwks } from "../../src/adapters/keys/remote-jwks.ts";
import {
  grantClaims,
  grantRequestClaims,
  signDocument,
  usageClaims,
  type DocumentKind,
} from "../../src/core/federation/documents.ts";
import { newFederationId } from "../../src/core/federation/ids.ts";
import {
  verifyDocument,
  verifyDocumentEvidence,
  type DocumentContext,
} from "../../src/core/federation/verify-document.ts";
import { publicJwks, type PrivateJwk } from "../../src/core/signing/keys.ts";
import { homeOf } from "../../src/core/federation/home.ts";
import { loadNetwork, type Network } from "../../src/core/network/config.ts";
import { verifyToken } from "../../src/core/token/verify.ts";
import { documentContext, federatedGateways, HOME, STRANGER, VISITED } from "./federation.ts";
import { claims, mintToken, NOW_SECONDS, testKeys } from "./network.ts";
import { UNFETCHED_STATUS_LISTS } from "../../src/core/status/unfetched.ts";

const NOW = NOW_SECONDS * 1000;
const TOKEN_REF = { iss: "https://tokens.carrier-a.example", jti: "t-1" };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "verified";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** A compact JWS of any header and payload, for documents no gateway would sign. */
async function signRaw(header: Record<string, unknown>, payload: unknown, key: PrivateJwk) {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(header as never)
    .sign(await importJWK(key, key.alg));
}

const request = (now = NOW, from = VISITED, to = HOME) =>
  grantRequestClaims(
    { from, to, now },
    { token: "a.b.c", amount: "400", min_amount: "40", unit: "gpu-second:h100-sxm" },
    newFederationId("gr"),
  );

const grant = (now = NOW, to = VISITED) =>
  grantClaims(
    { from: HOME, to, now },
    {
      id: newFederationId("gt", "k".repeat(43)),
      request: "gr.1",
      token: TOKEN_REF,
      amount: "400",
      unit: "gpu-second:h100-sxm",
      faceValue: "1000.5",
      validUntil: now + 300_000,
      reportBy: now + 600_000,
    },
  );

const usage = (now = NOW) =>
  usageClaims(
    { from: VISITED, to: HOME, now },
    { grant: "gt.1", seq: 1, used: "40", final: false },
  );

export function defineFederationDocumentSuite(): void {
  describe("documents between gateways (spec §11.3, §11.4)", () => {
    it("each kind verifies at the gateway it is addressed to, signed by its peer", async () => {
      const gw = await federatedGateways();
      const atHome = documentContext(gw.home);
      const atVisited = documentContext(gw.visited);
      const asked = await verifyDocument(
        await signDocument("grant-request", request(), gw.visitedKey),
        "grant-request",
        atHome,
      );
      expect(asked.peer.id).toBe(VISITED);
      expect(asked.claims.oct_grant_request).toMatchObject({ amount: "400", min_amount: "40" });
      const granted = await verifyDocument(
        await signDocument("grant", grant(), gw.homeKey),
        "grant",
        atVisited,
      );
      expect(granted.claims.oct_grant).toMatchObject({ amount: "400", face_value: "1000.5" });
      expect(granted.claims.exp).toBe(NOW_SECONDS + 300);
      const reported = await verifyDocument(
        await signDocument("usage", usage(), gw.visitedKey),
        "usage",
        atHome,
      );
      expect(reported.claims.oct_usage).toMatchObject({ seq: 1, used: "40", final: false });
    });

    describe("refusals, each with its code", () => {
      const cases: [string, () => Promise<[unknown, DocumentKind, DocumentContext]>, string][] = [
        [
          "a document signed by a gateway that is not a peer",
          async () => {
            const gw = await federatedGateways();
            const jws = await signDocument("usage", { ...usage(), iss: STRANGER }, gw.strangerKey);
            return [jws, "usage", documentContext(gw.home)];
          },
          "peer_unknown",
        ],
        [
          "a forged report: the peer's id and kid, another key",
          async () => {
            const gw = await federatedGateways();
            const forger = { ...gw.strangerKey, kid: gw.visitedKey.kid, alg: gw.strangerKey.alg };
            // The forger's key is EdDSA, the visited gateway's ES256: same kid, other key.
            return [
              await signDocument("usage", usage(), forger),
              "usage",
              documentContext(gw.home),
            ];
          },
          "peer_signature_invalid",
        ],
        [
          "a forged grant: the home's kid, a key of the same type that is not the home's",
          async () => {
            const gw = await federatedGateways();
            const forger = { ...gw.strangerKey, kid: gw.homeKey.kid };
            return [
              await signDocument("grant", grant(), forger),
              "grant",
              documentContext(gw.visited),
            ];
          },
          "peer_signature_invalid",
        ],
        [
          "a kid the peer does not have",
          async () => {
            const gw = await federatedGateways();
            const other = { ...gw.visitedKey, kid: "not-configured" };
            return [await signDocument("usage", usage(), other), "usage", documentContext(gw.home)];
          },
          "peer_signature_invalid",
        ],
        [
          "a grant presented as a usage report (typ)",
          async () => {
            const gw = await federatedGateways();
            const jws = await signDocument("grant", grant(), gw.homeKey);
            return [jws, "usage", documentContext(gw.visited)];
          },
          "peer_signature_invalid",
        ],
        [
          "typ with an application/ prefix, which jose alone would accept",
          async () => {
            const gw = await federatedGateways();
            const key = gw.visitedKey;
            const jws = await signRaw(
              { alg: key.alg, typ: "application/oct-usage+jwt", kid: key.kid },
              usage(),
              key,
            );
            return [jws, "usage", documentContext(gw.home)];
          },
          "peer_signature_invalid",
        ],
        [
          "a header with jku",
          async () => {
            const gw = await federatedGateways();
            const key = gw.visitedKey;
            const jws = await signRaw(
              { alg: key.alg, typ: "oct-usage+jwt", kid: key.kid, jku: "https://evil.example" },
              usage(),
              key,
            );
            return [jws, "usage", documentContext(gw.home)];
          },
          "peer_signature_invalid",
        ],
        [
          "a payload with a duplicate member",
          async () => {
            const gw = await federatedGateways();
            const jws = await signDocument("usage", usage(), gw.visitedKey);
            const [header, payload, signature] = jws.split(".");
            const text = new TextDecoder().decode(
              Uint8Array.from(atob(payload!.replace(/-/g, "+").replace(/_/g, "/")), (c) =>
                c.charCodeAt(0),
              ),
            );
            const duplicated = text.replace(/^\{/, `{"iss":"${STRANGER}",`);
            const encoded = btoa(duplicated)
              .replace(/\+/g, "-")
              .replace(/\//g, "_")
              .replace(/=+$/, "");
            return [`${header}.${encoded}.${signature}`, "usage", documentContext(gw.home)];
          },
          "peer_signature_invalid",
        ],
        [
          "a document over body_max_bytes",
          async () => {
            const gw = await federatedGateways();
            const big = {
              ...request(),
              oct_grant_request: { ...request().oct_grant_request, token: "x".repeat(20_000) },
            };
            const jws = await signDocument("grant-request", big, gw.visitedKey);
            return [jws, "grant-request", documentContext(gw.home)];
          },
          "peer_signature_invalid",
        ],
        [
          "a report addressed to another gateway",
          async () => {
            const gw = await federatedGateways();
            const jws = await signDocument("usage", { ...usage(), aud: STRANGER }, gw.visitedKey);
            return [jws, "usage", documentContext(gw.home)];
          },
          "document_invalid",
        ],
        [
          "a report signed longer ago than the clock skew (a replay)",
          async () => {
            const gw = await federatedGateways();
            const jws = await signDocument("usage", usage(NOW - 61_000), gw.visitedKey);
            return [jws, "usage", documentContext(gw.home)];
          },
          "document_invalid",
        ],
        [
          "a request signed further ahead than the clock skew",
          async () => {
            const gw = await federatedGateways();
            const jws = await signDocument("grant-request", request(NOW + 61_000), gw.visitedKey);
            return [jws, "grant-request", documentContext(gw.home)];
          },
          "document_invalid",
        ],
        [
          "a grant signed further ahead than the clock skew",
          async () => {
            const gw = await federatedGateways();
            const ahead = grant(NOW + 61_000);
            return [
              await signDocument("grant", ahead, gw.homeKey),
              "grant",
              documentContext(gw.visited),
            ];
          },
          "document_invalid",
        ],
        [
          "a grant past its exp",
          async () => {
            const gw = await federatedGateways();
            const old = grant(NOW - 400_000);
            return [
              await signDocument("grant", { ...old, iat: NOW_SECONDS }, gw.homeKey),
              "grant",
              documentContext(gw.visited),
            ];
          },
          "document_invalid",
        ],
        [
          "a grant whose report_by is not after its exp",
          async () => {
            const gw = await federatedGateways();
            const g = grant();
            const claims = { ...g, oct_grant: { ...g.oct_grant, report_by: g.exp } };
            return [
              await signDocument("grant", claims, gw.homeKey),
              "grant",
              documentContext(gw.visited),
            ];
          },
          "document_invalid",
        ],
        [
          "a request whose min_amount exceeds its amount",
          async () => {
            const gw = await federatedGateways();
            const r = request();
            const claims = {
              ...r,
              oct_grant_request: { ...r.oct_grant_request, min_amount: "401" },
            };
            return [
              await signDocument("grant-request", claims, gw.visitedKey),
              "grant-request",
              documentContext(gw.home),
            ];
          },
          "document_invalid",
        ],
        [
          "a report with a claim outside its closed set",
          async () => {
            const gw = await federatedGateways();
            const jws = await signDocument(
              "usage",
              { ...usage(), sub: "x" } as never,
              gw.visitedKey,
            );
            return [jws, "usage", documentContext(gw.home)];
          },
          "document_invalid",
        ],
        [
          "a report whose used is a JSON number",
          async () => {
            const gw = await federatedGateways();
            const u = usage();
            const claims = { ...u, oct_usage: { ...u.oct_usage, used: 40 } } as never;
            return [
              await signDocument("usage", claims, gw.visitedKey),
              "usage",
              documentContext(gw.home),
            ];
          },
          "document_invalid",
        ],
        [
          "a peer whose fetched keys cannot be obtained",
          async () => {
            const gw = await federatedGateways();
            const network = loadNetwork({
              ...gw.home.document,
              peers: [{ id: VISITED, url: VISITED, jwks_uri: `${VISITED}/.well-known/jwks.json` }],
              carriers: gw.home.document.carriers,
            });
            const failing = (async () => {
              throw new TypeError("connection refused");
            }) as unknown as typeof fetch;
            const context: DocumentContext = {
              ...documentContext(network),
              keys: new CarrierKeys(
                new RemoteJwks({
                  clock: { now: () => NOW },
                  limits: network.limits,
                  fetch: failing,
                }),
              ),
            };
            return [await signDocument("usage", usage(), gw.visitedKey), "usage", context];
          },
          "keys_unavailable",
        ],
      ];
      it.each(cases)("refuses %s", async (_, make, code) => {
        const [jws, kind, context] = await make();
        expect(await codeOf(verifyDocument(jws, kind, context))).toBe(code);
      });
    });

    it("fetches a peer's jwks_uri through the carriers' key-set fetcher, cached (spec §5.10, §5.5)", async () => {
      const gw = await federatedGateways();
      const uri = `${VISITED}/.well-known/jwks.json`;
      const network = loadNetwork({
        ...gw.home.document,
        peers: [{ id: VISITED, url: VISITED, jwks_uri: uri }],
      });
      const asked: string[] = [];
      const fetchKeys = (async (url: string) => {
        asked.push(url);
        return Response.json(publicJwks([gw.visitedKey]));
      }) as unknown as typeof fetch;
      const remote = new RemoteJwks({
        clock: { now: () => NOW },
        limits: network.limits,
        fetch: fetchKeys,
      });
      const context = { ...documentContext(network), keys: new CarrierKeys(remote) };
      for (let i = 0; i < 3; i++) {
        const jws = await signDocument("usage", usage(), gw.visitedKey);
        expect((await verifyDocument(jws, "usage", context)).peer.id).toBe(VISITED);
      }
      expect(asked).toEqual([uri]);
    });

    it("a grant issued longer ago than the skew still verifies while live: a retried request gets it again", async () => {
      const gw = await federatedGateways();
      const jws = await signDocument("grant", grant(NOW - 200_000), gw.homeKey);
      const { claims } = await verifyDocument(jws, "grant", documentContext(gw.visited));
      expect(claims.iat).toBe(NOW_SECONDS - 200);
    });

    it("a grant verifies later as evidence, though no longer as it arrives", async () => {
      const gw = await federatedGateways();
      const jws = await signDocument("grant", grant(), gw.homeKey);
      const later = documentContext(gw.visited, NOW + 3_600_000);
      expect(await codeOf(verifyDocument(jws, "grant", later))).toBe("document_invalid");
      const evidence = await verifyDocumentEvidence(jws, "grant", later);
      expect(evidence.claims.aud).toBe(VISITED);
      const forged = await signDocument("grant", grant(), {
        ...gw.strangerKey,
        kid: gw.homeKey.kid,
      });
      expect(await codeOf(verifyDocumentEvidence(forged, "grant", later))).toBe(
        "peer_signature_invalid",
      );
    });

    it("a token's home resolves to here, a peer, none, or home_unknown (spec §11.2)", async () => {
      const gw = await federatedGateways();
      const keys = await testKeys();
      const homed = (home?: string) =>
        mintToken(
          claims({
            oct: {
              ver: "0.1",
              amount: "10",
              unit: "gpu-second:h100-sxm",
              ...(home ? { home } : {}),
            },
          }),
          keys.eddsa,
        );
      const resolve = async (token: string, network: Network) => {
        const verified = await verifyToken(token, {
          network,
          keys: new CarrierKeys(),
          statusLists: UNFETCHED_STATUS_LISTS,
          clock: { now: () => NOW },
          signatures: webCryptoSignatures,
        });
        try {
          const home = homeOf({ oct: verified.claims.oct, carrier: verified.carrier }, network);
          return home.kind === "peer" ? `peer ${home.peer.id}` : home.kind;
        } catch (error) {
          return (error as { code: string }).code;
        }
      };
      expect(await resolve(await homed(HOME), gw.home)).toBe("here");
      expect(await resolve(await homed(HOME), gw.visited)).toBe(`peer ${HOME}`);
      expect(await resolve(await homed(), gw.visited)).toBe("none");
      // A home its carrier does not list, though it is a configured peer.
      expect(await resolve(await homed(VISITED), gw.home)).toBe("home_unknown");
      // A carrier without homes: its homed tokens are refused.
      const withoutHomes = loadNetwork({
        ...gw.visited.document,
        carriers: gw.visited.document.carriers.map(({ homes: _, ...carrier }) => carrier),
      });
      expect(await resolve(await homed(HOME), withoutHomes)).toBe("home_unknown");
      // Allowed by the carrier, yet not a peer here (a network built without the load checks).
      const token = await verifyToken(await homed(HOME), {
        network: gw.visited,
        keys: new CarrierKeys(),
        statusLists: UNFETCHED_STATUS_LISTS,
        clock: { now: () => NOW },
        signatures: webCryptoSignatures,
      });
      expect(() =>
        homeOf(
          { oct: token.claims.oct, carrier: token.carrier },
          { gatewayId: VISITED, peerById: () => undefined },
        ),
      ).toThrow(expect.objectContaining({ code: "home_unknown" }));
    });
  });
}
