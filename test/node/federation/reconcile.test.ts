/**
 * Grant reports (spec §11.8) signed and verified, and reconciled per grant
 * (§11.11): agreement, each kind of discrepancy, and refusals of forged or
 * altered reports.
 */
import { describe, expect, it } from "vitest";
import { verifyGrantReport, type GrantReport } from "../../../src/core/federation/grant-report.ts";
import { reconcile } from "../../../src/core/federation/reconcile.ts";
import { checkPublicJwks } from "../../../src/core/keys/jwk.ts";
import { publicJwks, type PrivateJwk } from "../../../src/core/signing/keys.ts";
import { federatedGateways, HOME, STRANGER, VISITED } from "../../support/federation.ts";
import { entry, PERIOD, report } from "../../support/grant-reports.ts";

function signer(id: string, key: PrivateJwk) {
  const checked = checkPublicJwks(publicJwks([key]), 32);
  if ("error" in checked) throw new Error(checked.error);
  return { id, keys: checked.keys };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "verified";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

describe("grant reports (spec §11.8)", () => {
  it("verify with the signing gateway's keys, grants sorted by id", async () => {
    const gw = await federatedGateways();
    const signed = await report(HOME, gw.homeKey, [entry("gt.b"), entry("gt.a")]);
    expect(signed.grants.map((g) => g.id)).toEqual(["gt.a", "gt.b"]);
    const verified = await verifyGrantReport(
      JSON.parse(JSON.stringify(signed)),
      signer(HOME, gw.homeKey),
    );
    expect(verified.grants).toHaveLength(2);
  });

  const refusals: [
    string,
    (
      r: GrantReport,
      keys: { home: PrivateJwk; stranger: PrivateJwk },
    ) => Promise<[unknown, string, PrivateJwk]>,
    string,
  ][] = [
    [
      "a report signed with another key under the gateway's kid (forged)",
      async (_, k) => [
        await report(HOME, { ...k.stranger, kid: k.home.kid }, [entry("gt.a")]),
        HOME,
        k.home,
      ],
      "peer_signature_invalid",
    ],
    [
      "a report altered after signing",
      async (r) => [
        { ...r, grants: [entry("gt.a", { used: "4" })] },
        HOME,
        (await federatedGateways()).homeKey,
      ],
      "peer_signature_invalid",
    ],
    [
      "a report without a signature",
      async (r) => [{ ...r, signature: undefined }, HOME, (await federatedGateways()).homeKey],
      "peer_signature_invalid",
    ],
    [
      "a settlement signature in place of a grant report's",
      async (r, k) => {
        const { signGatewayJws } = await import("../../../src/core/receipt/sign.ts");
        const { canonicalJson } = await import("../../../src/core/json/canonical.ts");
        const { signature: _, ...unsigned } = r;
        const signature = await signGatewayJws(
          canonicalJson(unsigned),
          k.home,
          "oct-settlement+jwt",
        );
        return [{ ...unsigned, signature }, HOME, k.home];
      },
      "peer_signature_invalid",
    ],
    [
      "a report verified as another gateway's",
      async (r, k) => [r, STRANGER, k.home],
      "document_invalid",
    ],
    [
      "a signed report that breaks the schema",
      async (_, k) => [
        await report(HOME, k.home, [{ ...entry("gt.a"), status: "expired" as never }]),
        HOME,
        k.home,
      ],
      "document_invalid",
    ],
  ];
  it.each(refusals)("refuses %s", async (_, make, code) => {
    const gw = await federatedGateways();
    const base = await report(HOME, gw.homeKey, [entry("gt.a")]);
    const [candidate, id, key] = await make(base, { home: gw.homeKey, stranger: gw.strangerKey });
    expect(await codeOf(verifyGrantReport(candidate, signer(id, key)))).toBe(code);
  });
});

describe("reconciliation (spec §11.11)", () => {
  const both = async (
    home: Parameters<typeof entry>[1][],
    visited: Parameters<typeof entry>[1][],
  ) => {
    const gw = await federatedGateways();
    return reconcile([
      await report(
        HOME,
        gw.homeKey,
        home.map((c, i) => entry(`gt.${i}`, c)),
      ),
      await report(
        VISITED,
        gw.visitedKey,
        visited.map((c, i) => entry(`gt.${i}`, c)),
      ),
    ]);
  };

  it("agrees when both sides list the same grants, closed with the same used", async () => {
    const result = await both([{}, { used: "0", seq: 1 }], [{}, { used: "0", seq: 1 }]);
    expect(result.agree).toBe(true);
    expect(result.grants.map((g) => [g.id, g.verdict])).toEqual([
      ["gt.0", "agree"],
      ["gt.1", "agree"],
    ]);
  });

  it("counts a final report whose acknowledgement was lost as agreement", async () => {
    const result = await both([{}], [{ status: "closing" }]);
    expect(result.grants[0]).toMatchObject({ verdict: "agree" });
  });

  it("lists open grants apart, without a discrepancy", async () => {
    const result = await both(
      [{ status: "open", used: "20", seq: 1 }],
      [{ status: "open", used: "40" }],
    );
    expect(result.agree).toBe(true);
    expect(result.grants[0]).toMatchObject({ verdict: "open" });
  });

  const discrepancies: [
    string,
    Parameters<typeof entry>[1],
    Parameters<typeof entry>[1],
    RegExp,
  ][] = [
    ["used amounts that differ", {}, { used: "39.5" }, /used differs: home 40, visited 39\.5/],
    [
      "a lapse before the final report",
      { status: "lapsed", used: "400" },
      { status: "closing" },
      /lapsed at the home \(counted 400\) before the final report of 40/,
    ],
    [
      "a grant lapsed while still open at the visited gateway",
      { status: "lapsed", used: "400" },
      { status: "open" },
      /still has it open/,
    ],
    [
      "terms that differ",
      {},
      { amount: { amount: "4000", unit: "gpu-second:h100-sxm" } },
      /amount differs/,
    ],
    [
      "a home counting more than was committed",
      { status: "open", used: "50" },
      { status: "open", used: "40" },
      /counts 50 used, more than the 40/,
    ],
    [
      "a grant closed at the home, open at the visited gateway",
      {},
      { status: "open" },
      /closed at the home, still open/,
    ],
  ];
  it.each(discrepancies)("lists %s", async (_, home, visited, issue) => {
    const result = await both([home], [visited]);
    expect(result.agree).toBe(false);
    expect(result.grants[0]!.verdict).toBe("discrepancy");
    expect(result.grants[0]!.issues.join("; ")).toMatch(issue);
  });

  it("lists a grant missing from one side, and leaves unchecked a grant whose other side gave no report", async () => {
    const gw = await federatedGateways();
    const result = reconcile([
      await report(HOME, gw.homeKey, [
        entry("gt.a"),
        entry("gt.b"),
        entry("gt.c", { visited: STRANGER }),
      ]),
      await report(VISITED, gw.visitedKey, [entry("gt.a")]),
    ]);
    expect(result.agree).toBe(false);
    expect(result.grants.map((g) => [g.id, g.verdict, g.issues])).toEqual([
      ["gt.a", "agree", []],
      ["gt.b", "discrepancy", [`missing from the report of ${VISITED}`]],
      ["gt.c", "unchecked", [`no report from ${STRANGER} covers it`]],
    ]);
  });

  it("expects a grant only in reports whose period and peer cover it", async () => {
    const gw = await federatedGateways();
    const later = { from: PERIOD.to, to: "2030-03-19T00:00:00Z" };
    const result = reconcile([
      await report(HOME, gw.homeKey, [entry("gt.a")]),
      await report(VISITED, gw.visitedKey, [], { period: later }),
      await report(VISITED, gw.visitedKey, [], { peer: STRANGER }),
    ]);
    expect(result.grants[0]).toMatchObject({ verdict: "unchecked" });
  });

  it("notices two reports of one gateway that disagree about a grant", async () => {
    const gw = await federatedGateways();
    const result = reconcile([
      await report(HOME, gw.homeKey, [entry("gt.a")]),
      await report(HOME, gw.homeKey, [entry("gt.a", { used: "41" })]),
      await report(VISITED, gw.visitedKey, [entry("gt.a")]),
    ]);
    expect(result.grants[0]!.issues).toContain(
      `the reports of ${HOME} disagree with each other about it`,
    );
  });
});
