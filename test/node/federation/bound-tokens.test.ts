/**
 * A token bound to a holder key (spec §2.6, §6.6), homed at carrier A's
 * gateway and spent at carrier B's (§11): B admits the holder's proof and
 * carries it through in its grant request, which A checks as made for an
 * endpoint of B and admits once (§11.5 step 4). Grants drawn on later need
 * no round trip; a replayed or misdirected proof is refused with its code,
 * nothing held.
 */
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { parseAmount } from "../../../src/core/amount/decimal.ts";
import type { DrawRequest } from "../../../src/core/federation/visited-service.ts";
import { tokenKeyOf } from "../../../src/core/redemption/record.ts";
import { grantRequestClaims, signDocument } from "../../../src/core/federation/documents.ts";
import {
  createHolderProof,
  generateHolderKey,
  holderThumbprint,
} from "../../../src/core/holder/build.ts";
import type { PrivateJwk } from "../../../src/core/signing/keys.ts";
import { edgeRedemption, federatedApps, type FederatedApps } from "../../support/federated-apps.ts";
import { HOME, VISITED } from "../../support/federation.ts";
import { claims, mintToken, NOW_SECONDS, testKeys } from "../../support/network.ts";

const UNIT = "gpu-second:h100-sxm";

let holder: PrivateJwk;
beforeAll(async () => {
  holder = await generateHolderKey();
});

async function boundHomedToken(amount = "1000") {
  const keys = await testKeys();
  return mintToken(
    claims({
      cnf: { jkt: await holderThumbprint(holder) },
      oct: { ver: "0.1", amount, unit: UNIT, home: HOME },
    }),
    keys.eddsa,
  );
}

/** A proof for a POST to `url`, as the holder's client makes one. */
const proofFor = (token: string, url: string, now = NOW_SECONDS) =>
  createHolderProof({ key: holder, method: "POST", url, token, now });

let keyCounter = 0;
const redeemAtVisited = (gw: FederatedApps, token: string, dpop?: string) =>
  gw.visited.post("/v1/redemptions", edgeRedemption(token), {
    "idempotency-key": `bound-${++keyCounter}`,
    ...(dpop !== undefined ? { dpop } : {}),
  });

/** The token's balance at the home, read with the holder's proof for the home's URL. */
async function balanceAtHome(gw: FederatedApps, token: string) {
  const dpop = await proofFor(token, `${HOME}/v1/balance`, Math.floor(gw.clock.now() / 1000));
  const answer = await gw.home.post("/v1/balance", { token }, { dpop });
  expect(answer.status).toBe(200);
  return answer.json();
}

async function problemOf(response: Response) {
  const body = (await response.json()) as { code?: string };
  return { status: response.status, code: body.code };
}

describe("a bound token homed at a peer is redeemed with the holder's proof (spec §11.5 step 4)", () => {
  it("is accepted at the visited gateway, whose grant request carries the proof to the home", async () => {
    const gw = await federatedApps({ federation: { refill_below_debits: 0 } });
    const token = await boundHomedToken();
    const first = await redeemAtVisited(
      gw,
      token,
      await proofFor(token, `${VISITED}/v1/redemptions`),
    );
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ status: "committed", debited: { amount: "40" } });
    expect(gw.sentToHome).toEqual(["/v1/grants"]);
    const [grant] = await gw.visited.ports.ledger.heldGrantsBetween(0, Number.MAX_SAFE_INTEGER);
    expect(grant?.terms).toMatchObject({ home: HOME, visited: VISITED, amount: "400" });
    expect(await balanceAtHome(gw, token)).toMatchObject({
      reserved: { amount: "400" },
      remaining: { amount: "600" },
    });

    // Drawn on again with a fresh proof, which the visited gateway checks alone.
    const second = await redeemAtVisited(
      gw,
      token,
      await proofFor(token, `${VISITED}/v1/redemptions`),
    );
    expect(second.status).toBe(201);
    expect(gw.sentToHome).toEqual(["/v1/grants"]);
  });

  it("refuses the same proof presented again at the visited gateway with holder_proof_replayed", async () => {
    const gw = await federatedApps({ federation: { refill_below_debits: 0 } });
    const token = await boundHomedToken();
    const dpop = await proofFor(token, `${VISITED}/v1/redemptions`);
    expect((await redeemAtVisited(gw, token, dpop)).status).toBe(201);
    const again = await redeemAtVisited(gw, token, dpop);
    expect(await problemOf(again)).toEqual({ status: 401, code: "holder_proof_replayed" });
    expect(again.headers.get("www-authenticate")).toContain('error="invalid_dpop_proof"');
    expect(
      await (
        await gw.visited.post(
          "/v1/balance",
          { token },
          {
            dpop: await proofFor(token, `${VISITED}/v1/balance`),
          },
        )
      ).json(),
    ).toMatchObject({ committed: { amount: "40" } });
  });

  it("refuses a redemption without a proof with holder_proof_missing, asking the home nothing", async () => {
    const gw = await federatedApps();
    const token = await boundHomedToken();
    const answer = await redeemAtVisited(gw, token);
    expect(await problemOf(answer)).toEqual({ status: 401, code: "holder_proof_missing" });
    expect(gw.sentToHome).toEqual([]);
  });

  it("gets its grant for a recorded request sent again after a lost answer (step 3 before the proof)", async () => {
    const gw = await federatedApps({ federation: { refill_below_debits: 0 } });
    const token = await boundHomedToken();
    gw.answersLost.value = true;
    const lost = await redeemAtVisited(
      gw,
      token,
      await proofFor(token, `${VISITED}/v1/redemptions`),
    );
    expect(await problemOf(lost)).toEqual({ status: 503, code: "home_unavailable" });
    gw.answersLost.value = false;
    gw.clock.advance(5_000);
    // The reporting turn sends the recorded request again, the same proof in it: the
    // home, which admitted that proof the first time, answers the grant it stored.
    await gw.visited.ports.reportGrants();
    expect(gw.sentToHome.filter((path) => path === "/v1/grants")).toHaveLength(2);
    const held = await gw.visited.ports.ledger.heldGrantsBetween(0, Number.MAX_SAFE_INTEGER);
    expect(held).toHaveLength(1);
    expect(held[0]!.terms).toMatchObject({ home: HOME, amount: "400" });
  });
});

describe("a visited gateway sends a holder's proof with one grant request (spec §11.9)", () => {
  it("does not send it again when the redemption looks for a grant once more: a new proof is needed", async () => {
    const gw = await federatedApps({ federation: { refill_below_debits: 0, prefetch_factor: 1 } });
    const token = await boundHomedToken();
    const federation = gw.visited.ports.federation!;
    const { iss, jti } = decodeJwt(token) as { iss: string; jti: string };
    const draw: DrawRequest = {
      tokenKey: tokenKeyOf({ iss, jti }),
      token,
      identity: { iss, jti },
      unit: UNIT,
      faceValue: "1000",
      debit: parseAmount("40")!,
      home: gw.visited.network.peerById(HOME)!,
      marginMs: 0,
      holderProof: await proofFor(token, `${VISITED}/v1/redemptions`),
    };
    const grant = await federation.grantFor(draw);
    expect(gw.sentToHome).toEqual(["/v1/grants"]);
    // Its grant gone (here closed; in life, taken by a concurrent redemption), the
    // redemption finds no room: its proof was spent at the home, so it asks nothing.
    await gw.visited.ports.ledger.closeHeldGrant(draw.tokenKey, grant.terms.id, gw.clock.now());
    await expect(federation.grantFor(draw)).rejects.toMatchObject({ code: "home_unavailable" });
    expect(gw.sentToHome).toEqual(["/v1/grants"]);
    // The holder's next request, with a new proof, gets a grant of its own.
    const fresh = { ...draw, holderProof: await proofFor(token, `${VISITED}/v1/redemptions`) };
    expect((await federation.grantFor(fresh)).terms.id).not.toBe(grant.terms.id);
    expect(gw.sentToHome).toEqual(["/v1/grants", "/v1/grants"]);
  });

  it("asks no grant ahead of need for a bound token: the next redemption's proof goes with it", async () => {
    const gw = await federatedApps({ federation: { prefetch_factor: 1, refill_below_debits: 2 } });
    const token = await boundHomedToken();
    const redeemed = await redeemAtVisited(
      gw,
      token,
      await proofFor(token, `${VISITED}/v1/redemptions`),
    );
    expect(redeemed.status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(gw.sentToHome).toEqual(["/v1/grants"]);
    const next = await redeemAtVisited(
      gw,
      token,
      await proofFor(token, `${VISITED}/v1/redemptions`),
    );
    expect(next.status).toBe(201);
    expect(gw.sentToHome).toEqual(["/v1/grants", "/v1/grants"]);
  });
});

describe("a home checks the proof a grant request carries (spec §11.5 step 4)", () => {
  /** A grant request B signs for `token`, carrying `holderProof`, posted to A. */
  async function grantRequestToHome(gw: FederatedApps, token: string, holderProof: string) {
    const claims = grantRequestClaims(
      { from: VISITED, to: HOME, now: gw.clock.now() },
      { token, amount: "400", min_amount: "40", unit: UNIT, holder_proof: holderProof },
      `gr.bound-${++keyCounter}`,
    );
    return gw.home.app.request("/v1/grants", {
      method: "POST",
      headers: { "content-type": "application/oct-grant-request+jwt" },
      body: await signDocument("grant-request", claims, gw.visitedKey),
    });
  }

  it("refuses a proof made for a URL outside the peer's url with holder_proof_target_mismatch, nothing held", async () => {
    const gw = await federatedApps();
    const token = await boundHomedToken();
    const answer = await grantRequestToHome(
      gw,
      token,
      await proofFor(token, `${HOME}/v1/redemptions`),
    );
    expect(await problemOf(answer)).toEqual({ status: 401, code: "holder_proof_target_mismatch" });
    expect(await balanceAtHome(gw, token)).toMatchObject({
      reserved: { amount: "0" },
      remaining: { amount: "1000" },
    });
  });

  it("grants once for a proof, and refuses it in a second request with holder_proof_replayed", async () => {
    const gw = await federatedApps();
    const token = await boundHomedToken();
    const dpop = await proofFor(token, `${VISITED}/v1/redemptions`);
    expect((await grantRequestToHome(gw, token, dpop)).status).toBe(201);
    const again = await grantRequestToHome(gw, token, dpop);
    expect(await problemOf(again)).toEqual({ status: 401, code: "holder_proof_replayed" });
    expect(await balanceAtHome(gw, token)).toMatchObject({ reserved: { amount: "400" } });
  });
});
