/**
 * Verification inside workerd: the same pipeline, the same codes, over
 * HTTP through the app, and the Wycheproof JWS vectors.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { claims } from "../support/network.ts";
import { mintToken } from "../../src/core/issuer/mint.ts";
import { workerGateway as testGateway } from "./gateway.ts";
import { refusals } from "../support/refusals.ts";
import { webCryptoSignatures } from "../../src/adapters/crypto/web-crypto-signatures.ts";
import { judgeAll, type WycheproofFile } from "../support/wycheproof.ts";
import wycheproof from "../vectors/wycheproof/json_web_signature_test.json" with { type: "json" };

let gw: Awaited<ReturnType<typeof testGateway>>;
beforeAll(async () => {
  gw = await testGateway();
});

async function verdict(token: unknown) {
  const response = await gw.post("/v1/verify", { token });
  expect(response.status).toBe(200);
  return (await response.json()) as { valid: boolean; error?: string };
}

describe("POST /v1/verify in workerd", () => {
  it("accepts good EdDSA, ES256 and PS256 tokens", async () => {
    expect(await verdict(await mintToken(claims(), gw.keys.eddsa))).toMatchObject({ valid: true });
    expect(await verdict(await mintToken(claims(), gw.keys.es256))).toMatchObject({ valid: true });
    expect(
      await verdict(
        await mintToken(claims({ iss: "https://tokens.carrier-r.example" }), gw.keys.ps256),
      ),
    ).toMatchObject({ valid: true });
  });

  it("refuses with every verification code", async () => {
    for (const { code, token } of await refusals(gw.keys)) {
      expect({ code, answer: await verdict(token) }).toMatchObject({
        code,
        answer: { valid: false, error: code },
      });
    }
  });

  it("answers request errors as problems", async () => {
    const response = await gw.post("/v1/verify", "{");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "request_invalid" });
  });

  it("judges the Wycheproof JWS vectors as Node does", async () => {
    const judgements = await judgeAll(wycheproof as unknown as WycheproofFile, webCryptoSignatures);
    expect(judgements.length).toBe(401);
    expect(judgements.filter((j) => j.expected !== j.actual)).toEqual([]);
  });
});
