/**
 * @module A visited gateway asking a token's home (`spec/oct.md` §11.9),
 * written once and run on both runtimes over a fake peer client: a grant
 * checked against its request, the home's refusals passed on or turned into
 * `home_unavailable` with a Retry-After, the pause after a failure, and what
 * each answer to a usage report means.
 */
import { describe, expect, it } from "vitest";
import { CarrierKeys } from "../../src/adapters/keys/carrier-keys.ts";
import {
  reportUsage,
  requestGrant,
  type GrantAskFor,
  type HomeLink,
} from "../../src/core/federation/ask-home.ts";
import {
  grantClaims,
  signDocument,
  type DocumentClaims,
} from "../../src/core/federation/documents.ts";
import { HomePause } from "../../src/core/federation/home-pause.ts";
import type { PrivateJwk } from "../../src/core/signing/keys.ts";
import {
  PeerUnreachable,
  type PeerAnswer,
  type PeerClient,
  type PeerRequest,
} from "../../src/ports/peer-client.ts";
import { federatedGateways, HOME, VISITED } from "./federation.ts";
import { NOW_SECONDS } from "./network.ts";

const NOW = NOW_SECONDS * 1000;
const ASK: GrantAskFor = {
  token: "h.p.s",
  identity: { iss: "https://tokens.carrier-a.example", jti: "t-1" },
  unit: "gpu-second:h100-sxm",
  faceValue: "1000.5",
  amount: "400",
  minAmount: "40",
  requestId: "gr.request-1",
};

/** A fake home: records what it is sent, answers with `respond`. */
function fakeHome(respond: (request: PeerRequest) => PeerAnswer | Promise<PeerAnswer>) {
  const sent: PeerRequest[] = [];
  const peers: PeerClient = {
    send: async (peer, request) => {
      expect(peer.id).toBe(HOME);
      sent.push(request);
      return respond(request);
    },
  };
  return { sent, peers };
}

async function linkWith(peers: PeerClient): Promise<HomeLink> {
  const gw = await federatedGateways();
  return {
    network: gw.visited,
    keys: new CarrierKeys(),
    clock: { now: () => NOW },
    peers,
    signingKey: async () => gw.visitedKey,
  };
}

/** A grant for ASK signed by `key`, with `change` applied to its claims. */
async function grantFor(
  key: PrivateJwk,
  change: (claims: DocumentClaims["grant"]) => DocumentClaims["grant"] = (c) => c,
) {
  const claims = grantClaims(
    { from: HOME, to: VISITED, now: NOW },
    {
      id: "gt.grant-1",
      request: ASK.requestId,
      token: ASK.identity,
      amount: "400",
      unit: ASK.unit,
      faceValue: ASK.faceValue,
      validUntil: NOW + 300_000,
      reportBy: NOW + 600_000,
    },
  );
  return signDocument("grant", change(claims), key);
}

const problem = (status: number, code: string, retryAfterSeconds?: number): PeerAnswer => ({
  status,
  body: { type: `urn:oct:error:${code}`, title: code, status, code, detail: `because ${code}` },
  ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
});

async function refusal(
  promise: Promise<unknown>,
): Promise<{ code: string; retryAfterSeconds?: number }> {
  try {
    await promise;
    return { code: "granted" };
  } catch (error) {
    return error as { code: string; retryAfterSeconds?: number };
  }
}

export function defineAskHomeSuite(): void {
  describe("asking the home for a grant (spec §11.9)", () => {
    it("sends a signed grant request and returns the grant that answers it", async () => {
      const gw = await federatedGateways();
      const home = fakeHome(async () => ({
        status: 201,
        body: { grant: await grantFor(gw.homeKey) },
      }));
      const answer = await requestGrant(
        await linkWith(home.peers),
        gw.visited.peerById(HOME)!,
        ASK,
      );
      expect(answer.kind).toBe("granted");
      expect(answer.claims.oct_grant).toMatchObject({ amount: "400", request: ASK.requestId });
      const [request] = home.sent;
      expect(request).toMatchObject({
        method: "POST",
        path: "/v1/grants",
        mediaType: "application/oct-grant-request+jwt",
      });
      const payload = JSON.parse(
        atob(request!.body!.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")),
      );
      expect(payload).toMatchObject({
        iss: VISITED,
        aud: HOME,
        jti: ASK.requestId,
        oct_grant_request: { token: "h.p.s", amount: "400", min_amount: "40" },
      });
      expect(payload.oct_grant_request.holder_proof).toBeUndefined();
    });

    it("carries the holder's proof of a bound token through, as it was received", async () => {
      const gw = await federatedGateways();
      const home = fakeHome(async () => ({
        status: 201,
        body: { grant: await grantFor(gw.homeKey) },
      }));
      const link = await linkWith(home.peers);
      await requestGrant(link, gw.visited.peerById(HOME)!, { ...ASK, holderProof: "a.b.c" });
      const payload = JSON.parse(
        atob(home.sent[0]!.body!.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")),
      );
      expect(payload.oct_grant_request.holder_proof).toBe("a.b.c");
    });

    const unusable: [string, (c: DocumentClaims["grant"]) => DocumentClaims["grant"], RegExp][] = [
      [
        "another request",
        (c) => ({ ...c, oct_grant: { ...c.oct_grant, request: "gr.other" } }),
        /another request/,
      ],
      [
        "another token",
        (c) => ({
          ...c,
          oct_grant: { ...c.oct_grant, token: { ...c.oct_grant.token, jti: "t-2" } },
        }),
        /another token/,
      ],
      [
        "another face value",
        (c) => ({ ...c, oct_grant: { ...c.oct_grant, face_value: "1000" } }),
        /face value of 1000/,
      ],
      [
        "more than was asked",
        (c) => ({ ...c, oct_grant: { ...c.oct_grant, amount: "400.000000000000000001" } }),
        /outside what was asked/,
      ],
      [
        "less than the least asked",
        (c) => ({ ...c, oct_grant: { ...c.oct_grant, amount: "39" } }),
        /outside what was asked/,
      ],
    ];
    it.each(unusable)("flags a genuine grant for %s as unusable", async (_, change, reason) => {
      const gw = await federatedGateways();
      const home = fakeHome(async () => ({
        status: 201,
        body: { grant: await grantFor(gw.homeKey, change) },
      }));
      const answer = await requestGrant(
        await linkWith(home.peers),
        gw.visited.peerById(HOME)!,
        ASK,
      );
      expect(answer.kind).toBe("unusable");
      expect(answer.kind === "unusable" && answer.reason).toMatch(reason);
    });

    /** The grant issued when the request was first sent, 10 minutes ago, long past its exp. */
    const expired = (c: DocumentClaims["grant"]): DocumentClaims["grant"] => ({
      ...c,
      iat: c.iat - 600,
      exp: c.exp - 600,
      oct_grant: { ...c.oct_grant, report_by: c.oct_grant.report_by - 600 },
    });

    it("flags the genuine answer to a request sent again after the grant's exp as unusable", async () => {
      const gw = await federatedGateways();
      const home = fakeHome(async () => ({
        status: 201,
        body: { grant: await grantFor(gw.homeKey, expired) },
      }));
      const answer = await requestGrant(
        await linkWith(home.peers),
        gw.visited.peerById(HOME)!,
        ASK,
      );
      expect(answer).toMatchObject({ kind: "unusable", reason: "is no longer live" });
      expect(answer.claims.jti).toBe("gt.grant-1");
    });

    const refused: [string, () => Promise<PeerAnswer>, string, number | undefined][] = [
      [
        "a forged grant past its exp",
        async () => {
          const gw = await federatedGateways();
          const key = { ...gw.strangerKey, kid: gw.homeKey.kid };
          return { status: 201, body: { grant: await grantFor(key, expired) } };
        },
        "home_unavailable",
        5,
      ],
      [
        "a grant past its exp addressed to another gateway",
        async () => {
          const gw = await federatedGateways();
          const other = (c: DocumentClaims["grant"]) => ({ ...expired(c), aud: HOME });
          return { status: 201, body: { grant: await grantFor(gw.homeKey, other) } };
        },
        "home_unavailable",
        5,
      ],
      [
        "the home cannot grant the least amount",
        async () => problem(402, "insufficient_balance"),
        "insufficient_balance",
        undefined,
      ],
      [
        "the home finds the token expired",
        async () => problem(401, "token_expired"),
        "token_expired",
        undefined,
      ],
      [
        "the home records another face value",
        async () => problem(401, "claims_invalid"),
        "claims_invalid",
        undefined,
      ],
      [
        "the home finds no holder's proof",
        async () => problem(401, "holder_proof_missing"),
        "holder_proof_missing",
        undefined,
      ],
      [
        "the home finds the holder's proof made for another gateway",
        async () => problem(401, "holder_proof_target_mismatch"),
        "holder_proof_target_mismatch",
        undefined,
      ],
      [
        "the home has accepted the holder's proof before",
        async () => problem(401, "holder_proof_replayed"),
        "holder_proof_replayed",
        undefined,
      ],
      [
        "the home is not the token's home",
        async () => problem(403, "home_unknown"),
        "home_unknown",
        undefined,
      ],
      [
        "the home's ledger is busy",
        async () => problem(503, "ledger_busy", 30),
        "home_unavailable",
        30,
      ],
      [
        "the home does not know this gateway",
        async () => problem(401, "peer_unknown"),
        "home_unavailable",
        5,
      ],
      [
        "a code with another status than the registry's",
        async () => problem(500, "token_expired"),
        "home_unavailable",
        5,
      ],
      [
        "a forged grant",
        async () => {
          const gw = await federatedGateways();
          return {
            status: 201,
            body: { grant: await grantFor({ ...gw.strangerKey, kid: gw.homeKey.kid }) },
          };
        },
        "home_unavailable",
        5,
      ],
      [
        "a 201 without a grant",
        async () => ({ status: 201, body: { id: "x" } }),
        "home_unavailable",
        5,
      ],
      [
        "no answer",
        async () => {
          throw new PeerUnreachable(HOME, "no answer within 5000 ms");
        },
        "home_unavailable",
        5,
      ],
    ];
    it.each(refused)("when %s, refuses with its code", async (_, respond, code, retryAfter) => {
      const gw = await federatedGateways();
      const home = fakeHome(respond);
      const error = await refusal(
        requestGrant(await linkWith(home.peers), gw.visited.peerById(HOME)!, ASK),
      );
      expect(error.code).toBe(code);
      expect(error.retryAfterSeconds).toBe(retryAfter);
    });

    it("pauses a failed home for home_retry_seconds, or its longer Retry-After", () => {
      let now = NOW;
      const pause = new HomePause({ now: () => now }, 5);
      pause.check(HOME);
      pause.failed(HOME);
      now += 1_500;
      expect(() => pause.check(HOME)).toThrow(
        expect.objectContaining({ code: "home_unavailable", retryAfterSeconds: 4 }),
      );
      now += 3_500;
      pause.check(HOME);
      pause.failed(HOME, 30);
      now += 6_000;
      expect(() => pause.check(HOME)).toThrow(expect.objectContaining({ retryAfterSeconds: 24 }));
      pause.answered(HOME);
      pause.check(HOME);
    });
  });

  describe("reporting usage to the home (spec §11.6, §11.9)", () => {
    const usage = { grant: "gt.grant-1", seq: 2, used: "120", final: true };
    const outcomes: [string, () => Promise<PeerAnswer>, string][] = [
      [
        "an applied report",
        async () => ({ status: 200, body: { id: "gt.grant-1" } }),
        "acknowledged",
      ],
      ["a lapsed grant", async () => problem(409, "grant_lapsed"), "lapsed"],
      ["a conflicting report", async () => problem(409, "usage_conflict"), "refused"],
      ["a report above the grant", async () => problem(422, "usage_invalid"), "refused"],
      ["a busy home", async () => problem(503, "ledger_busy", 1), "retry"],
      [
        "no answer",
        async () => {
          throw new PeerUnreachable(HOME, "unreachable");
        },
        "retry",
      ],
    ];
    it.each(outcomes)("reads %s", async (_, respond, kind) => {
      const gw = await federatedGateways();
      const home = fakeHome(respond);
      const answer = await reportUsage(
        await linkWith(home.peers),
        gw.visited.peerById(HOME)!,
        usage,
      );
      expect(answer.kind).toBe(kind);
      expect(home.sent[0]).toMatchObject({
        method: "POST",
        path: "/v1/grants/gt.grant-1/usage",
        mediaType: "application/oct-usage+jwt",
      });
    });
  });
}
