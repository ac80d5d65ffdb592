/**
 * @module One token for each refusal of the verification algorithm, with
 * the step of `spec/oct.md` §6.2 that raises it: the list the Node, workerd
 * and inspector tests all walk through.
 */
import { claims, ISSUER_B, mintToken, NOW_SECONDS, type TestKeys } from "./network.ts";
import { segment, signRaw } from "./raw-token.ts";

export interface Refusal {
  step: number;
  code: string;
  token: string;
}

export async function refusals(keys: TestKeys): Promise<Refusal[]> {
  const k = keys.eddsa;
  const header = (extra = {}) =>
    JSON.stringify({ alg: "EdDSA", typ: "oct+jwt", kid: k.kid, ...extra });
  const body = JSON.stringify(claims());
  const cases: [number, string, string | Promise<string>][] = [
    [1, "token_malformed", "a".repeat(9000)],
    [2, "token_malformed", "not.a.token"],
    [2, "token_malformed", "a.b"],
    [3, "token_malformed", `${segment("not json")}.${segment(body)}.AA`],
    [3, "token_malformed", signRaw(header().replace("{", '{"typ":"JWT",'), body, k)],
    [3, "alg_not_allowed", `${segment(header({ alg: "none" }))}.${segment(body)}.AA`],
    [3, "header_invalid", signRaw(header({ jku: "https://evil.example/jwks" }), body, k)],
    [3, "header_invalid", signRaw(header({ typ: "JWT" }), body, k)],
    [4, "token_malformed", signRaw(header(), body.replace("{", '{"sub":"x",'), k)],
    [4, "token_malformed", signRaw(header(), "[1, 2, 3]", k)],
    [5, "issuer_untrusted", mintToken(claims({ iss: "https://evil.example" }), k)],
    [5, "carrier_suspended", mintToken(claims({ iss: ISSUER_B }), keys.es384)],
    [6, "key_unknown", signRaw(header({ kid: "nope" }), body, k)],
    [
      7,
      "signature_invalid",
      mintToken(claims(), k).then((t) => t.replace(/\.[^.]+$/, `.${segment(new Uint8Array(64))}`)),
    ],
    [
      8,
      "token_expired",
      mintToken(claims({ iat: NOW_SECONDS - 9000, nbf: undefined, exp: NOW_SECONDS - 3600 }), k),
    ],
    [8, "token_not_yet_valid", mintToken(claims({ nbf: NOW_SECONDS + 3600 }), k)],
    [8, "claims_invalid", mintToken(claims({ sub: "" }), k)],
    [8, "claims_invalid", mintToken(claims({ exp: 1e300 }), k)],
    [
      8,
      "unit_unknown",
      mintToken(claims({ oct: { ver: "0.1", amount: "1", unit: "gpu-second:imaginary-9000" } }), k),
    ],
  ];
  return Promise.all(
    cases.map(async ([step, code, token]) => ({ step, code, token: await token })),
  );
}
