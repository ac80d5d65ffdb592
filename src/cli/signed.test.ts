import { beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey, publicJwks, type PrivateJwk } from "../core/signing/keys.ts";
import { RECEIPT_TYPE, signGatewayJws } from "../core/receipt/sign.ts";
import { signedReport } from "../core/settlement/report.ts";
import { verifyReceipt, verifySettlement, type GatewayKeys } from "./signed.ts";

const GATEWAY = "https://gw.example";
const tariff = {
  carrier: "carrier-a",
  from: "gpu-second:h100-sxm",
  provider: "carrier-b-edge",
  to: "gpu-second:a100-sxm",
  rate: "2.5",
  valid_from: "2026-01-01T00:00:00Z",
};
const claims = {
  iss: GATEWAY,
  iat: 1_795_000_000,
  jti: "rd.abc.def",
  oct_receipt: {
    ver: "0.1",
    token: { iss: "https://tokens.carrier-a.example", jti: "t-1" },
    sub: "acct-42",
    provider: "carrier-b-edge",
    carrier: "carrier-a",
    debited: { amount: "40", unit: "gpu-second:h100-sxm" },
    credited: { amount: "100", unit: "gpu-second:a100-sxm" },
    tariff,
  },
};
const report = {
  gateway: GATEWAY,
  period: { from: "2026-12-01T00:00:00Z", to: "2027-01-01T00:00:00Z" },
  generated_at: "2027-01-01T00:10:00Z",
  totals: [
    {
      carrier: "carrier-a",
      provider: "carrier-b-edge",
      unit: "gpu-second:h100-sxm",
      debited: "40",
      credit_unit: "gpu-second:a100-sxm",
      credited: "100",
      count: 1,
    },
  ],
};

let key: PrivateJwk;
let keys: GatewayKeys;

beforeAll(async () => {
  key = await generateSigningKey("ES256");
  keys = { id: GATEWAY, jwks: publicJwks([key]) as GatewayKeys["jwks"] };
});

describe("verifying what a gateway signs", () => {
  it("accepts a receipt of the gateway, and nothing else", async () => {
    const receipt = await signGatewayJws(JSON.stringify(claims), key, RECEIPT_TYPE);
    expect((await verifyReceipt(receipt, keys)).claims.oct_receipt.debited.amount).toBe("40");

    const otherKeys = { ...keys, jwks: publicJwks([await generateSigningKey("ES256")]) };
    const wrongTyp = await signGatewayJws(JSON.stringify(claims), key, "oct+jwt");
    const badClaims = await signGatewayJws(
      JSON.stringify({ ...claims, oct_receipt: { ver: "0.1" } }),
      key,
      RECEIPT_TYPE,
    );
    const forged = receipt.replace(/\.[^.]+$/, `.${"A".repeat(86)}`);
    const cases: [string, GatewayKeys, string][] = [
      [receipt, { ...keys, id: "https://other.example" }, "claims_invalid"],
      [receipt, otherKeys as GatewayKeys, "key_unknown"],
      [wrongTyp, keys, "header_invalid"],
      [forged, keys, "signature_invalid"],
      ["not.a-receipt", keys, "token_malformed"],
      [badClaims, keys, "claims_invalid"],
    ];
    for (const [jws, against, code] of cases) {
      await expect(verifyReceipt(jws, against), code).rejects.toMatchObject({ code });
    }
  });

  it("checks a settlement report's signature against the report itself", async () => {
    const signed = await signedReport(report, key);
    expect((await verifySettlement(signed, keys)).header.typ).toBe("oct-settlement+jwt");

    const altered = { ...signed, totals: [{ ...signed.totals[0]!, credited: "1000" }] };
    await expect(verifySettlement(altered, keys)).rejects.toMatchObject({
      code: "signature_invalid",
    });
    const { signature: _, ...unsigned } = signed;
    await expect(verifySettlement(unsigned, keys)).rejects.toMatchObject({
      code: "signature_invalid",
    });
    await expect(
      verifySettlement(signed, { ...keys, id: "https://other.example" }),
    ).rejects.toMatchObject({
      code: "claims_invalid",
    });
  });
});
