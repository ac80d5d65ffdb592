/**
 * @module What a home checks before its ledger (`spec/oct.md` §11.5 steps 2
 * to 6, §11.6 steps 2 and 3), and the grant as each side shows it (§11.7,
 * §11.8), written once and run on both runtimes.
 */
import { describe, expect, it } from "vitest";
import { webCryptoSignatures } from "../../src/adapters/crypto/web-crypto-signatures.ts";
import { CarrierKeys } from "../../src/adapters/keys/carrier-keys.ts";
import { parseAmount } from "../../src/core/amount/decimal.ts";
import {
  grantRequestClaims,
  signDocument,
  usageClaims,
} from "../../src/core/federation/documents.ts";
import {
  admitGrantRequest,
  readGrantRequest,
  readUsageReport,
  type HomeContext,
} from "../../src/core/federation/home-requests.ts";
import { applyUsage, lapsed } from "../../src/core/federation/issued-grant.ts";
import {
  grantResourceOf,
  heldOf,
  issuedOf,
  reportEntryOf,
  withHeld,
  withIssued,
  type HeldGrantRecord,
  type IssuedGrantRecord,
} from "../../src/core/federation/records.ts";
import { validateGrant, validateGrantReport } from "../../src/generated/validators.js";
import { federatedGateways, HOME, VISITED } from "./federation.ts";
import { claims, mintToken, NOW_SECONDS, testKeys } from "./network.ts";
import { UNFETCHED_STATUS_LISTS } from "../../src/core/status/unfetched.ts";

const NOW = NOW_SECONDS * 1000;
const UNIT = "gpu-second:h100-sxm";

async function homeContext(): Promise<HomeContext> {
  const gw = await federatedGateways();
  return {
    network: gw.home,
    keys: new CarrierKeys(),
    statusLists: UNFETCHED_STATUS_LISTS,
    clock: { now: () => NOW },
    signatures: webCryptoSignatures,
  };
}

async function tokenWith(oct: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const keys = await testKeys();
  return mintToken(
    claims({ oct: { ver: "0.1", amount: "1000.5", unit: UNIT, ...oct }, ...extra } as never),
    keys.eddsa,
  );
}

async function requestFor(token: string, unit = UNIT) {
  const gw = await federatedGateways();
  return signDocument(
    "grant-request",
    grantRequestClaims(
      { from: VISITED, to: HOME, now: NOW },
      { token, amount: "400", min_amount: "40", unit },
      "gr.1",
    ),
    gw.visitedKey,
  );
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "admitted";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

const terms = {
  id: "gt.1",
  home: HOME,
  visited: VISITED,
  token: { iss: "https://tokens.carrier-a.example", jti: "t-1" },
  unit: UNIT,
  faceValue: "1000.5",
  amount: "400",
  issuedAt: NOW,
  validUntil: NOW + 300_000,
  reportBy: NOW + 600_000,
  request: "gr.1",
  jws: "eyJhbGciOiJFZERTQSJ9.e30.c2ln",
};

export function defineHomeRequestSuite(): void {
  describe("a home's checks before its ledger (spec §11.5, §11.6)", () => {
    it("admits a grant request for a token homed here, with its fingerprint", async () => {
      const context = await homeContext();
      const request = await readGrantRequest(
        await requestFor(await tokenWith({ home: HOME })),
        context,
      );
      expect(request.visited).toBe(VISITED);
      expect(request.fingerprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // The same request signed again (a retry, new iat) has the same fingerprint.
      const again = await readGrantRequest(
        await requestFor(request.claims.oct_grant_request.token),
        context,
      );
      expect(again.fingerprint).toBe(request.fingerprint);
      const admitted = await admitGrantRequest(request, context);
      expect([admitted.amount, admitted.minAmount]).toEqual([
        parseAmount("400"),
        parseAmount("40"),
      ]);
      expect(admitted.token.claims.oct.home).toBe(HOME);
    });

    const refusals: [string, () => Promise<string>, string][] = [
      ["a token homed at another gateway", () => tokenWith({ home: VISITED }), "home_unknown"],
      ["a token without a home", () => tokenWith({}), "home_unknown"],
      [
        "a holder-bound token",
        () => tokenWith({ home: HOME }, { cnf: { jkt: "x".repeat(43) } }),
        "holder_proof_invalid",
      ],
      [
        "an expired token",
        () =>
          tokenWith(
            { home: HOME },
            { exp: NOW_SECONDS - 120, iat: NOW_SECONDS - 600, nbf: NOW_SECONDS - 600 },
          ),
        "token_expired",
      ],
    ];
    it.each(refusals)("refuses %s", async (_, token, code) => {
      const context = await homeContext();
      const request = await readGrantRequest(await requestFor(await token()), context);
      expect(await codeOf(admitGrantRequest(request, context))).toBe(code);
    });

    it("refuses a request in another unit than the token's with document_invalid", async () => {
      const context = await homeContext();
      const request = await readGrantRequest(
        await requestFor(await tokenWith({ home: HOME }), "gpu-second:a100-sxm"),
        context,
      );
      expect(await codeOf(admitGrantRequest(request, context))).toBe("document_invalid");
    });

    it("refuses a usage report posted to another grant's path with document_invalid", async () => {
      const gw = await federatedGateways();
      const context = await homeContext();
      const report = await signDocument(
        "usage",
        usageClaims(
          { from: VISITED, to: HOME, now: NOW },
          { grant: "gt.1", seq: 1, used: "4", final: false },
        ),
        gw.visitedKey,
      );
      expect((await readUsageReport(report, "gt.1", context)).visited).toBe(VISITED);
      expect(await codeOf(readUsageReport(report, "gt.2", context))).toBe("document_invalid");
    });
  });

  describe("a grant as each side shows it (spec §11.7, §11.8)", () => {
    it("the home's record: open, then lapsed (counted whole), then closed by a late final report", () => {
      let record: IssuedGrantRecord = {
        terms,
        fingerprint: "f".repeat(43),
        status: "open",
        reported: { seq: 0, used: "0", final: false },
      };
      record = withIssued(
        record,
        applyUsage(issuedOf(record), { seq: 1, used: parseAmount("40")!, final: false }).grant,
      );
      const open = grantResourceOf(record);
      expect(validateGrant(open)).toBe(true);
      expect(open).toMatchObject({
        status: "open",
        seq: 1,
        used: { amount: "40", unit: UNIT },
        issued_at: "2030-03-17T17:46:40Z",
      });
      record = withIssued(record, lapsed(issuedOf(record), NOW + 600_000));
      expect(reportEntryOf(record)).toMatchObject({ status: "lapsed", used: { amount: "400" } });
      record = withIssued(
        record,
        applyUsage(issuedOf(record), { seq: 2, used: parseAmount("52.5")!, final: true }).grant,
      );
      expect(reportEntryOf(record)).toMatchObject({
        status: "closed",
        seq: 2,
        used: { amount: "52.5" },
      });
      const report = {
        gateway: HOME,
        period: { from: "2030-03-17T00:00:00Z", to: "2030-03-18T00:00:00Z" },
        generated_at: "2030-03-18T00:00:00Z",
        grants: [reportEntryOf(record)],
      };
      expect(validateGrantReport(report)).toBe(true);
    });

    it("the visited gateway's record: committed, and the report pending", () => {
      const record: HeldGrantRecord = {
        terms,
        status: "open",
        committed: "120",
        reserved: "0.5",
        lastDrawnAt: NOW,
        acknowledged: { seq: 1, used: "100" },
      };
      const held = heldOf(record);
      expect([held.committed, held.reserved]).toEqual([parseAmount("120"), parseAmount("0.5")]);
      const closing = withHeld(record, {
        ...held,
        status: "closing",
        pending: { seq: 2, used: held.committed, final: true },
      });
      expect(closing.pending).toEqual({ seq: 2, used: "120", final: true });
      expect(grantResourceOf(closing)).toMatchObject({
        status: "closing",
        seq: 2,
        used: { amount: "120" },
      });
      expect(withHeld(closing, { ...heldOf(closing), pending: undefined }).pending).toBeUndefined();
      expect(() => grantResourceOf({ ...record, terms: { ...terms, jws: undefined } })).toThrow(
        /not signed yet/,
      );
    });
  });
}
