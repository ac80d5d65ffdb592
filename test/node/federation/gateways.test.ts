/**
 * Two gateways in one process, each with its own ledger (spec §11): carrier
 * B's gateway redeems carrier A's tokens against grants from A's gateway,
 * their home. Grants, prefetch, usage reports, lapse, a home that cannot
 * be reached, and the refusals of §11.4 to §11.6 over HTTP, each with its
 * code and nothing changed.
 */
import { describe, expect, it } from "vitest";
import {
  grantRequestClaims,
  signDocument,
  usageClaims,
} from "../../../src/core/federation/documents.ts";
import { generateSigningKey, type PrivateJwk } from "../../../src/core/signing/keys.ts";
import { edgeRedemption, federatedApps, type FederatedApps } from "../../support/federated-apps.ts";
import { HOME, STRANGER, VISITED } from "../../support/federation.ts";
import { claims, mintToken, testKeys } from "../../support/network.ts";

const UNIT = "gpu-second:h100-sxm";

async function homedToken(amount = "1000", home = HOME) {
  const keys = await testKeys();
  return mintToken(claims({ oct: { ver: "0.1", amount, unit: UNIT, home } }), keys.eddsa);
}

let keyCounter = 0;
const key = () => `k-${++keyCounter}`;

async function balanceAt(app: FederatedApps["home"], token: string) {
  return (await app.post("/v1/balance", { token })).json();
}

async function problemOf(response: Response) {
  const body = (await response.json()) as { code?: string };
  return { status: response.status, code: body.code };
}

describe("a visited gateway redeems against grants of the token's home (spec §11.9)", () => {
  it("asks once for a prefetched grant, then serves ten debits without the home", async () => {
    // No refill ahead of need here: exactly one grant request.
    const gw = await federatedApps({ federation: { refill_below_debits: 0 } });
    const token = await homedToken();
    for (let i = 0; i < 10; i++) {
      const answer = await gw.visited.redeem(edgeRedemption(token), key());
      expect(answer.status).toBe(201);
    }
    // One grant request of 40 x 10 = 400, and nothing else.
    expect(gw.sentToHome).toEqual(["/v1/grants"]);
    expect(await balanceAt(gw.visited, token)).toMatchObject({
      home: HOME,
      committed: { amount: "400" },
      remaining: { amount: "0" },
    });
    // At the home the grant's 400 is held, and the balance lives there.
    expect(await balanceAt(gw.home, token)).toMatchObject({
      committed: { amount: "0" },
      reserved: { amount: "400" },
      remaining: { amount: "600" },
    });
    expect((await balanceAt(gw.home, token)).home).toBeUndefined();
  });

  it("reports usage: the threshold, then the final report once the grant is used up", async () => {
    const gw = await federatedApps({ federation: { refill_below_debits: 0 } });
    const token = await homedToken();
    for (let i = 0; i < 6; i++) await gw.visited.redeem(edgeRedemption(token), key());
    // 240 of 400 used: past the 50 % threshold.
    await gw.visited.ports.reportGrants();
    const home = await balanceAt(gw.home, token);
    expect(home).toMatchObject({ committed: { amount: "240" }, reserved: { amount: "160" } });
    for (let i = 0; i < 4; i++) await gw.visited.redeem(edgeRedemption(token), key());
    await gw.visited.ports.reportGrants(); // room below the last debit: closed, final report
    expect(await balanceAt(gw.home, token)).toMatchObject({
      committed: { amount: "400" },
      reserved: { amount: "0" },
      remaining: { amount: "600" },
    });
    const grantId = (
      await gw.visited.ports.ledger.heldGrantsBetween(0, Number.MAX_SAFE_INTEGER)
    )[0]!.terms.id;
    const atHome = await (await gw.home.get(`/v1/grants/${grantId}`)).json();
    expect(atHome).toMatchObject({ status: "closed", seq: 2, used: { amount: "400" } });
    const atVisited = await (await gw.visited.get(`/v1/grants/${grantId}`)).json();
    expect(atVisited).toMatchObject({
      status: "closed",
      used: { amount: "400" },
      grant: atHome.grant,
    });
  });

  it("returns an idle grant's unused part to the token with a final report", async () => {
    const gw = await federatedApps();
    const token = await homedToken();
    await gw.visited.redeem(edgeRedemption(token), key());
    gw.clock.advance(60_000);
    await gw.visited.ports.reportGrants();
    expect(await balanceAt(gw.home, token)).toMatchObject({
      committed: { amount: "40" },
      reserved: { amount: "0" },
      remaining: { amount: "960" },
    });
    expect(await balanceAt(gw.visited, token)).toMatchObject({ remaining: { amount: "0" } });
  });

  it("grants no more than the balance: the rest of the token is refused with insufficient_balance", async () => {
    const gw = await federatedApps();
    const token = await homedToken("100");
    expect((await gw.visited.redeem(edgeRedemption(token), key())).status).toBe(201);
    expect((await gw.visited.redeem(edgeRedemption(token), key())).status).toBe(201);
    // The grant was capped at the face value, 100: 20 left, a debit of 40 needs another grant.
    const third = await gw.visited.redeem(edgeRedemption(token), key());
    expect(await problemOf(third)).toEqual({ status: 402, code: "insufficient_balance" });
    expect((await gw.visited.redeem(edgeRedemption(token, "50"), key())).status).toBe(201);
    expect(await balanceAt(gw.visited, token)).toMatchObject({ committed: { amount: "100" } });
  });

  it("serves what live grants cover while the home is down, then refuses with home_unavailable and Retry-After", async () => {
    const gw = await federatedApps();
    const token = await homedToken();
    expect((await gw.visited.redeem(edgeRedemption(token), key())).status).toBe(201);
    gw.homeDown.value = true;
    for (let i = 0; i < 9; i++)
      expect((await gw.visited.redeem(edgeRedemption(token), key())).status).toBe(201);
    const refused = await gw.visited.redeem(edgeRedemption(token), key());
    expect(await problemOf(refused)).toEqual({ status: 503, code: "home_unavailable" });
    expect(refused.headers.get("retry-after")).toBe("5");
    // Nothing unbacked was committed.
    expect(await balanceAt(gw.visited, token)).toMatchObject({ committed: { amount: "400" } });
    gw.homeDown.value = false;
    gw.clock.advance(5_000);
    expect((await gw.visited.redeem(edgeRedemption(token), key())).status).toBe(201);
  });

  it("a grant not reported by report_by counts as fully used; the late final report returns the rest", async () => {
    const gw = await federatedApps();
    const token = await homedToken();
    await gw.visited.redeem(edgeRedemption(token), key());
    gw.homeDown.value = true;
    gw.clock.advance(600_000); // past valid_until and report_by
    await gw.visited.ports.reportGrants(); // closed locally; the final report cannot be sent
    expect(await balanceAt(gw.home, token)).toMatchObject({
      committed: { amount: "400" },
      remaining: { amount: "600" },
    });
    gw.homeDown.value = false;
    gw.clock.advance(5_000);
    await gw.visited.ports.reportGrants();
    expect(await balanceAt(gw.home, token)).toMatchObject({
      committed: { amount: "40" },
      remaining: { amount: "960" },
    });
  });

  it("a grant whose answer was lost comes back past its exp: closed with a final report of nothing, and the home answers again", async () => {
    const gw = await federatedApps();
    const token = await homedToken();
    gw.answersLost.value = true;
    const lost = await gw.visited.redeem(edgeRedemption(token), key());
    expect(await problemOf(lost)).toEqual({ status: 503, code: "home_unavailable" });
    expect(await balanceAt(gw.home, token)).toMatchObject({ reserved: { amount: "400" } });
    // The visited gateway is away past the grant's report_by: the home counts it fully used.
    gw.answersLost.value = false;
    gw.clock.advance(600_000);
    expect(await balanceAt(gw.home, token)).toMatchObject({ committed: { amount: "400" } });
    // The recorded request, sent again, gets the grant issued the first time, no longer live:
    // it is kept closed and its final report (nothing used) returns it all to the token.
    await gw.visited.ports.reportGrants();
    await gw.visited.ports.reportGrants();
    expect(await balanceAt(gw.home, token)).toMatchObject({
      committed: { amount: "0" },
      reserved: { amount: "0" },
      remaining: { amount: "1000" },
    });
    const report = await (
      await gw.visited.app.request("/v1/grants?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z")
    ).json();
    expect(report.grants).toMatchObject([{ status: "closed", used: { amount: "0" }, seq: 1 }]);
    // And the home is asked again at once, not paused by the old request.
    expect((await gw.visited.redeem(edgeRedemption(token), key())).status).toBe(201);
  });

  it("redeems at the home as at any gateway, on the same balance", async () => {
    const gw = await federatedApps();
    const token = await homedToken();
    await gw.visited.redeem(edgeRedemption(token), key());
    expect((await gw.home.redeem(edgeRedemption(token), key())).status).toBe(201);
    expect(await balanceAt(gw.home, token)).toMatchObject({
      committed: { amount: "40" },
      reserved: { amount: "400" },
      remaining: { amount: "560" },
    });
  });

  it("refuses a token whose home its carrier does not allow with home_unknown", async () => {
    const gw = await federatedApps();
    const token = await homedToken("100", STRANGER);
    expect(await problemOf(await gw.visited.redeem(edgeRedemption(token), key()))).toEqual({
      status: 403,
      code: "home_unknown",
    });
    const verdict = await (await gw.visited.post("/v1/verify", { token })).json();
    expect(verdict).toMatchObject({ valid: false, error: "home_unknown" });
  });
});

describe("the home refuses what §11.4 to §11.6 refuse, and nothing changes (spec §11)", () => {
  /** A grant issued to B, and the token it draws on. */
  async function issued(gw: FederatedApps) {
    const token = await homedToken();
    await gw.visited.redeem(edgeRedemption(token), key());
    const [grant] = await gw.visited.ports.ledger.heldGrantsBetween(0, Number.MAX_SAFE_INTEGER);
    return { token, id: grant!.terms.id };
  }

  const report = (
    gw: FederatedApps,
    id: string,
    usage: { seq: number; used: string; final: boolean },
    options: { key?: PrivateJwk; from?: string } = {},
  ) =>
    signDocument(
      "usage",
      usageClaims(
        { from: options.from ?? VISITED, to: HOME, now: gw.clock.now() },
        { grant: id, ...usage },
      ),
      options.key ?? gw.visitedKey,
    );

  const postUsage = async (gw: FederatedApps, id: string, body: string) =>
    gw.home.app.request(`/v1/grants/${id}/usage`, {
      method: "POST",
      headers: { "content-type": "application/oct-usage+jwt" },
      body,
    });

  async function unchanged(
    gw: FederatedApps,
    token: string,
    id: string,
    act: () => Promise<Response>,
  ) {
    const before = [
      await balanceAt(gw.home, token),
      await (await gw.home.get(`/v1/grants/${id}`)).json(),
    ];
    const answer = await act();
    const after = [
      await balanceAt(gw.home, token),
      await (await gw.home.get(`/v1/grants/${id}`)).json(),
    ];
    expect(after).toEqual(before);
    return problemOf(answer);
  }

  it("a report above the grant: usage_invalid", async () => {
    const gw = await federatedApps();
    const { token, id } = await issued(gw);
    const body = await report(gw, id, { seq: 1, used: "400.5", final: false });
    expect(await unchanged(gw, token, id, () => postUsage(gw, id, body))).toEqual({
      status: 422,
      code: "usage_invalid",
    });
  });

  it("a replayed report: the same answer while it is the last; usage_conflict once a later one is applied", async () => {
    const gw = await federatedApps();
    const { token, id } = await issued(gw);
    const first = await report(gw, id, { seq: 1, used: "40", final: false });
    expect((await postUsage(gw, id, first)).status).toBe(200);
    const again = await unchanged(gw, token, id, () => postUsage(gw, id, first));
    expect(again.status).toBe(200);
    expect(
      (await postUsage(gw, id, await report(gw, id, { seq: 2, used: "40", final: false }))).status,
    ).toBe(200);
    expect(await unchanged(gw, token, id, () => postUsage(gw, id, first))).toEqual({
      status: 409,
      code: "usage_conflict",
    });
  });

  it("a forged report (another key under B's kid): peer_signature_invalid", async () => {
    const gw = await federatedApps();
    const { token, id } = await issued(gw);
    const forger = { ...(await generateSigningKey("ES256")), kid: gw.visitedKey.kid };
    const forged = await report(gw, id, { seq: 1, used: "0", final: true }, { key: forger });
    expect(await unchanged(gw, token, id, () => postUsage(gw, id, forged))).toEqual({
      status: 401,
      code: "peer_signature_invalid",
    });
  });

  it("a report of a grant by another peer than its audience: grant_forbidden", async () => {
    const gw = await federatedApps();
    const { token, id } = await issued(gw);
    const other = await report(
      gw,
      id,
      { seq: 1, used: "0", final: true },
      { from: STRANGER, key: gw.strangerKey },
    );
    expect(await unchanged(gw, token, id, () => postUsage(gw, id, other))).toEqual({
      status: 403,
      code: "grant_forbidden",
    });
  });

  it("a grant request replayed: the same grant, never a second hold", async () => {
    const gw = await federatedApps();
    const token = await homedToken();
    const ask = grantRequestClaims(
      { from: VISITED, to: HOME, now: gw.clock.now() },
      { token, amount: "400", min_amount: "40", unit: UNIT },
      "gr.replayed-request-1",
    );
    const body = await signDocument("grant-request", ask, gw.visitedKey);
    const send = () =>
      gw.home.app.request("/v1/grants", {
        method: "POST",
        headers: { "content-type": "application/oct-grant-request+jwt" },
        body,
      });
    const first = await send();
    expect(first.status).toBe(201);
    const second = await send();
    expect(second.status).toBe(201);
    expect((await second.json()).id).toBe((await first.json()).id);
    expect(await balanceAt(gw.home, token)).toMatchObject({ reserved: { amount: "400" } });
    // The same request id with other content is a conflict.
    const other = await signDocument(
      "grant-request",
      { ...ask, oct_grant_request: { ...ask.oct_grant_request, amount: "500" } },
      gw.visitedKey,
    );
    const conflict = await gw.home.app.request("/v1/grants", {
      method: "POST",
      headers: { "content-type": "application/oct-grant-request+jwt" },
      body: other,
    });
    expect(await problemOf(conflict)).toEqual({ status: 409, code: "idempotency_conflict" });
  });

  it("a grant request in JSON: unsupported_media_type", async () => {
    const gw = await federatedApps();
    const answer = await gw.home.post("/v1/grants", { grant: "x" });
    expect(await problemOf(answer)).toEqual({ status: 415, code: "unsupported_media_type" });
  });
});
