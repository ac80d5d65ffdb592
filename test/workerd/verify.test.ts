/**
 * Verification inside workerd: the same pipeline, the same codes, over
 * HTTP through the app, and the Wycheproof JWS vectors.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { claims, ISSUER_B, mintToken, NOW_SECONDS } from "../support/network.ts";
import { segment, signRaw } from "../support/raw-token.ts";
import { workerGateway as testGateway } from "./gateway.ts";
import { judgeAll, type WycheproofFile } from "../support/wycheproof.ts";
import wycheproof from "../../../shared/vectors/wycheproof/json_web_signature_test.json" with { type: "json" };

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
    const k = gw.keys.eddsa;
    const header = (extra = {}) =>
      JSON.stringify({ alg: "EdDSA", typ: "oct+jwt", kid: k.kid, ...extra });
    const body = JSON.stringify(claims());
    const cases: [string, unknown][] = [
      ["token_malformed", "a.b"],
      ["token_malformed", await signRaw(header(), body.replace("{", '{"sub":"x",'), k)],
      ["alg_not_allowed", `${segment(header({ alg: "HS256" }))}.${segment(body)}.AA`],
      ["header_invalid", await signRaw(header({ typ: "JWT" }), body, k)],
      ["issuer_untrusted", await mintToken(claims({ iss: "https://evil.example" }), k)],
      ["key_unknown", await signRaw(header({ kid: "nope" }), body, k)],
      [
        "signature_invalid",
        (await mintToken(claims(), k)).replace(/\.[^.]+$/, `.${segment(new Uint8Array(64))}`),
      ],
      [
        "token_expired",
        await mintToken(
          claims({ iat: NOW_SECONDS - 9000, nbf: undefined, exp: NOW_SECONDS - 3600 }),
          k,
        ),
      ],
      ["token_not_yet_valid", await mintToken(claims({ nbf: NOW_SECONDS + 3600 }), k)],
      ["claims_invalid", await mintToken(claims({ exp: 1e300 }), k)],
      [
        "unit_unknown",
        await mintToken(
          claims({ oct: { ver: "0.1", amount: "1", unit: "gpu-second:imaginary-9000" } }),
          k,
        ),
      ],
      ["carrier_suspended", await mintToken(claims({ iss: ISSUER_B }), gw.keys.es384)],
    ];
    for (const [code, token] of cases) {
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
    const judgements = await judgeAll(wycheproof as unknown as WycheproofFile);
    expect(judgements.length).toBe(401);
    expect(judgements.filter((j) => j.expected !== j.actual)).toEqual([]);
  });
});
