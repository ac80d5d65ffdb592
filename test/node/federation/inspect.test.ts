/**
 * `POST /v1/inspect` with two gateways in one process (spec §7.12, §11.2):
 * where a token's balance lives as each gateway sees it, the grants the
 * visited gateway holds and those the home issued, newest first, as they
 * move through reports and lapse; a home this gateway may not federate with
 * refused with home_unknown; every answer held to inspect-response.schema.json;
 * and `oct inspect --gateway` showing them.
 */
import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.ts";
import type { InspectResponse } from "../../../src/generated/types.ts";
import { validateInspectResponse } from "../../../src/generated/validators.js";
import { edgeRedemption, federatedApps, type FederatedApps } from "../../support/federated-apps.ts";
import { HOME, STRANGER, VISITED } from "../../support/federation.ts";
import { capture } from "../../support/cli.ts";
import { claims, mintToken, testKeys } from "../../support/network.ts";
import { serveApp } from "../../support/serve.ts";

const UNIT = "gpu-second:h100-sxm";

/** A carrier A token homed at `home`, or without a home (null). */
async function homedToken(amount = "1000", home: string | null = HOME) {
  const keys = await testKeys();
  const oct = { ver: "0.1" as const, amount, unit: UNIT, ...(home ? { home } : {}) };
  return mintToken(claims({ oct }), keys.eddsa);
}

let keyCounter = 0;
const key = () => `inspect-${++keyCounter}`;

async function inspect(app: FederatedApps["home"], token: string): Promise<InspectResponse> {
  const response = await app.post("/v1/inspect", { token });
  expect(response.status).toBe(200);
  const body = (await response.json()) as InspectResponse;
  const ok = validateInspectResponse(body);
  expect(validateInspectResponse.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
  return body;
}

const q = (amount: string) => ({ amount, unit: UNIT });

describe("POST /v1/inspect shows where a token's balance lives and its grants (spec §7.12)", () => {
  it("at the visited gateway: the home peer, the grant it holds and its own view of the balance; at the home: here, the grant it issued", async () => {
    const gw = await federatedApps({ federation: { refill_below_debits: 0 } });
    const token = await homedToken();
    for (let i = 0; i < 2; i++)
      expect((await gw.visited.redeem(edgeRedemption(token), key())).status).toBe(201);

    const visited = await inspect(gw.visited, token);
    expect(visited.valid).toBe(true);
    expect(visited.home).toEqual({ kind: "peer", id: HOME, url: `${HOME}/` });
    expect(visited.balance).toMatchObject({ home: HOME, committed: q("80"), remaining: q("320") });
    expect(visited.grants).toHaveLength(1);
    const [held] = visited.grants!;
    expect(held).toMatchObject({
      home: HOME,
      visited: VISITED,
      amount: q("400"),
      used: q("80"),
      seq: 0,
      status: "open",
    });
    expect(visited.redemptions).toHaveLength(2);

    const home = await inspect(gw.home, token);
    expect(home.home).toEqual({ kind: "here", id: HOME });
    expect(home.balance).toMatchObject({ reserved: q("400"), remaining: q("600") });
    expect(home.balance!.home).toBeUndefined();
    // The same grant, as the home knows it: nothing reported yet.
    expect(home.grants).toEqual([{ ...held, used: q("0") }]);
    expect(home.redemptions).toEqual([]);
  });

  it("follows a grant through its final report, and lists two grants newest first", async () => {
    const gw = await federatedApps({ federation: { refill_below_debits: 0 } });
    const token = await homedToken();
    for (let i = 0; i < 10; i++) await gw.visited.redeem(edgeRedemption(token), key());
    await gw.visited.ports.reportGrants(); // used up: closed, final report of 400
    gw.clock.advance(1_000);
    expect((await gw.visited.redeem(edgeRedemption(token), key())).status).toBe(201);

    const visited = await inspect(gw.visited, token);
    expect(visited.grants!.map((g) => [g.status, g.used.amount, g.seq])).toEqual([
      ["open", "40", 0],
      ["closed", "400", 1],
    ]);
    const home = await inspect(gw.home, token);
    expect(home.grants!.map((g) => g.id)).toEqual(visited.grants!.map((g) => g.id));
    expect(home.grants!.map((g) => [g.status, g.used.amount, g.seq])).toEqual([
      ["open", "0", 0],
      ["closed", "400", 1],
    ]);
    expect(home.grants![0]!.issued_at > home.grants![1]!.issued_at).toBe(true);
  });

  it("at the home, a grant past its report_by shows lapsed and fully used, as a read sees it", async () => {
    const gw = await federatedApps();
    const token = await homedToken();
    await gw.visited.redeem(edgeRedemption(token), key());
    gw.homeDown.value = true;
    gw.clock.advance(600_000); // past valid_until and report_by
    const home = await inspect(gw.home, token);
    expect(home.grants).toMatchObject([{ status: "lapsed", amount: q("400"), used: q("400") }]);
    expect(home.balance).toMatchObject({ committed: q("400"), remaining: q("600") });
  });

  it("a token without a home: its balance in this gateway's ledger, no grants", async () => {
    const gw = await federatedApps();
    const token = await homedToken("1000", null);
    expect((await gw.visited.redeem(edgeRedemption(token), key())).status).toBe(201);
    const body = await inspect(gw.visited, token);
    expect(body.home).toEqual({ kind: "none" });
    expect(body).not.toHaveProperty("grants");
    expect(body.balance).toMatchObject({ committed: q("40"), remaining: q("960") });
  });

  it("a home its carrier does not allow: every step passed, refused with home_unknown, as POST /v1/verify", async () => {
    const gw = await federatedApps();
    const token = await homedToken("100", STRANGER);
    const body = await inspect(gw.visited, token);
    expect(body.valid).toBe(false);
    expect(body.error).toBe("home_unknown");
    expect(body.steps.every((s) => s.status === "passed")).toBe(true);
    expect(body).not.toHaveProperty("home");
    expect(body).not.toHaveProperty("balance");
    const verdict = await (await gw.visited.post("/v1/verify", { token })).json();
    expect(verdict).toMatchObject({ valid: false, error: body.error, detail: body.detail });
  });
});

describe("oct inspect --gateway shows where the balance lives and the grants", () => {
  /** `oct inspect` against `app` served on a loopback port: its exit status and text. */
  async function inspectWithCli(app: FederatedApps["home"], token: string) {
    const served = await serveApp(app.app);
    try {
      return await capture(main, ["inspect", token, "--gateway", served.url]);
    } finally {
      await served.close();
    }
  }

  it("at the visited gateway, the home peer and the grants held; at the home, here and the grants issued", async () => {
    const gw = await federatedApps({ federation: { refill_below_debits: 0 } });
    const token = await homedToken();
    await gw.visited.redeem(edgeRedemption(token), key());
    const [grant] = (await inspect(gw.visited, token)).grants!;

    const visited = await inspectWithCli(gw.visited, token);
    expect(visited.status).toBe(0);
    expect(visited.stdout).toContain(
      `verdict  valid: 360 ${UNIT} remaining here (what its grants cover)`,
    );
    expect(visited.stdout).toContain(
      `home     ${HOME} at ${HOME}/: the balance lives there; this gateway redeems against its grants`,
    );
    expect(visited.stdout).toContain(
      `grants held from the home, newest first\n` +
        `  ${grant!.id}  open     400 ${UNIT}, used 40 (report 0), ` +
        `valid until ${grant!.valid_until}, report by ${grant!.report_by}\n`,
    );

    const home = await inspectWithCli(gw.home, token);
    expect(home.status).toBe(0);
    expect(home.stdout).toContain(`home     this gateway (${HOME}): the balance lives here`);
    expect(home.stdout).toContain(
      `grants issued, newest first\n` +
        `  ${grant!.id}  open     400 ${UNIT}, used 0 (report 0) to ${VISITED}, ` +
        `valid until ${grant!.valid_until}, report by ${grant!.report_by}\n`,
    );
  });

  it("a token without a home, and a homed token with no grant yet", async () => {
    const gw = await federatedApps();
    const local = await inspectWithCli(gw.visited, await homedToken("1000", null));
    expect(local.stdout).toContain(
      "home     none: the balance lives in the ledger of each gateway that redeems it",
    );
    expect(local.stdout).not.toContain("grants");
    const fresh = await inspectWithCli(gw.visited, await homedToken());
    expect(fresh.stdout).toContain("grants   none held here");
  });
});
