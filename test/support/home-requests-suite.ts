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
import {
  createHolderProof,
  generateHolderKey,
  holderThumbprint,
} from "../../src/core/holder/build.ts";
import type { PrivateJwk } from "../../src/core/signing/keys.ts";
import { federatedGateways, HOME, VISITED } from "./federation.ts";
import { claims, mintToken, NOW_SECONDS, testKeys } from "./network.ts";
import { UNFETCHED_STATUS_LISTS } from "../../src/core/status/unfetched.ts";

const NOW = NOW_SECONDS * 1000;
const UNIT = "gpu-second:h100-sxm";

/** The home's context, its ledger's proof admission kept in a set. */
async function homeContext(): Promise<HomeContext> {
  const gw = await federatedGateways();
  const admitted = new Set<string>();
  return {
    network: gw.home,
    keys: new CarrierKeys(),
    statusLists: UNFETCHED_STATUS_LISTS,
    clock: { now: () => NOW },
    signatures: webCryptoSignatures,
    proofs: {
      admitProof: async (tokenKey, jti) => {
        const seen = admitted.has(`${tokenKey} ${jti}`);
        admitted.add(`${tokenKey} ${jti}`);
        return !seen;
      },
    },
  };
}

async function tokenWith(oct: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const keys = await testKeys();
  return mintToken(
    claims({ oct: { ver: "0.1", amount: "1000.5", unit: UNIT, ...oct }, ...extra } as never),
    keys.eddsa,
  );
}

async function requestFor(token: string, unit = UNIT, holderProof?: string) {
  const gw = await federatedGateways();
  return signDocument(
    "grant-request",
    grantRequestClaims(
      { from: VISITED, to: HOME, now: NOW },
      {
        token,
        amount: "400",
        min_amount: "40",
        unit,
        ...(holderProof !== undefined ? { holder_proof: holderProof } : {}),
      },
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
        "a holder-bound token without the holder's proof",
        () => tokenWith({ home: HOME }, { cnf: { jkt: "x".repeat(43) } }),
        "holder_proof_missing",
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

    describe("a bound token's proof, carried through from the visited gateway (§11.5 step 4)", () => {
      const boundToken = async (holder: PrivateJwk) =>
        tokenWith({ home: HOME }, { cnf: { jkt: await holderThumbprint(holder) } });
      /** A proof as the visited gateway accepted it: for its redemptions endpoint. */
      const proofFor = (
        holder: PrivateJwk,
        token: string,
        change: { url?: string; method?: string; iat?: number } = {},
      ) =>
        createHolderProof({
          key: holder,
          method: change.method ?? "POST",
          url: change.url ?? `${VISITED}/v1/redemptions`,
          token,
          now: change.iat ?? NOW_SECONDS,
        });
      const admit = async (context: HomeContext, token: string, proof?: string) =>
        codeOf(
          admitGrantRequest(
            await readGrantRequest(await requestFor(token, UNIT, proof), context),
            context,
          ),
        );

      it("admits a proof made for an endpoint of the requesting peer, once", async () => {
        const holder = await generateHolderKey();
        const token = await boundToken(holder);
        const context = await homeContext();
        const proof = await proofFor(holder, token);
        expect(await admit(context, token, proof)).toBe("admitted");
        // Its jti is now admitted in the home's ledger: the same proof again is a replay.
        expect(await admit(context, token, proof)).toBe("holder_proof_replayed");
        // Any endpoint under the peer's url will do (an authorisation, a quote turned redemption).
        expect(
          await admit(
            context,
            token,
            await proofFor(holder, token, { url: `${VISITED}/v1/quotes` }),
          ),
        ).toBe("admitted");
      });

      const wrong: [
        string,
        (holder: PrivateJwk, token: string) => Promise<string | undefined>,
        string,
      ][] = [
        ["no proof", async () => undefined, "holder_proof_missing"],
        [
          "a proof for a URL outside the peer's url",
          (holder, token) => proofFor(holder, token, { url: `${HOME}/v1/redemptions` }),
          "holder_proof_target_mismatch",
        ],
        [
          "a proof for a host that only begins like the peer's",
          (holder, token) =>
            proofFor(holder, token, { url: `${VISITED}.evil.example/v1/redemptions` }),
          "holder_proof_target_mismatch",
        ],
        [
          "a proof for a GET",
          (holder, token) => proofFor(holder, token, { method: "GET" }),
          "holder_proof_target_mismatch",
        ],
        [
          "a proof older than dpop_max_age_seconds and the skew",
          (holder, token) => proofFor(holder, token, { iat: NOW_SECONDS - 600 }),
          "holder_proof_stale",
        ],
        [
          "a proof by another key",
          async (_, token) => proofFor(await generateHolderKey(), token),
          "holder_key_mismatch",
        ],
        [
          "a proof for another token",
          async (holder) => proofFor(holder, await boundToken(holder)),
          "holder_proof_token_mismatch",
        ],
        ["a proof that is no JWS", async () => "not-a-proof", "holder_proof_invalid"],
      ];
      it.each(wrong)("refuses %s with its code", async (_, make, code) => {
        const holder = await generateHolderKey();
        const token = await boundToken(holder);
        const context = await homeContext();
        expect(await admit(context, token, await make(holder, token))).toBe(code);
      });
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
