import { describe, expect, it } from "vitest";
import { challengeOf, formatChallenge, type PaymentChallenge } from "./challenge.ts";
import { credentialsOf, tokenOfCredentials } from "./credentials.ts";

const CHALLENGE: PaymentChallenge = {
  gateway: "https://gw.example",
  provider: "carrier-a-cloud",
  price: { amount: "64", unit: "inference-token:llm-large" },
  units: ["gpu-second:a100-sxm", "gpu-second:h100-sxm"],
};
const FIELD =
  'OCT gateway="https://gw.example", provider="carrier-a-cloud", amount="64", unit="inference-token:llm-large", units="gpu-second:a100-sxm gpu-second:h100-sxm"';

describe("the OCT challenge of WWW-Authenticate (spec §16.1)", () => {
  it("is written with quoted values, and read back", () => {
    expect(formatChallenge(CHALLENGE)).toBe(FIELD);
    expect(challengeOf(FIELD)).toEqual(CHALLENGE);
    const refused = formatChallenge({ ...CHALLENGE, error: "insufficient_balance" });
    expect(refused).toBe(`${FIELD}, error="insufficient_balance"`);
    expect(challengeOf(refused)).toEqual({ ...CHALLENGE, error: "insufficient_balance" });
  });

  it("is found among other challenges, whatever their form, the scheme and names in any case", () => {
    expect(challengeOf(`Bearer realm="api", error="invalid_token", ${FIELD}`)).toEqual(CHALLENGE);
    expect(challengeOf(`Negotiate abc+/def==, ${FIELD}, Basic realm="x"`)).toEqual(CHALLENGE);
    expect(challengeOf(`Negotiate YWJj==, ${FIELD}`)).toEqual(CHALLENGE);
    expect(challengeOf(`Basic, ${FIELD}`)).toEqual(CHALLENGE);
    const shouted = FIELD.replace("OCT", "oct").replace("gateway=", "GATEWAY = ");
    expect(challengeOf(shouted)).toEqual(CHALLENGE);
    // Unknown parameters are ignored; quoted pairs unescaped.
    expect(challengeOf(`${FIELD}, realm="a \\"paid\\" api", max_age=30`)).toEqual(CHALLENGE);
  });

  it("is refused when a parameter is missing, repeated or invalid", () => {
    expect(challengeOf(undefined)).toBeUndefined();
    expect(challengeOf('Bearer realm="api"')).toBeUndefined();
    expect(challengeOf(FIELD.replace(/, units="[^"]*"/, ""))).toBeUndefined();
    expect(challengeOf(`${FIELD}, amount="65"`)).toBeUndefined();
    expect(challengeOf(FIELD.replace('amount="64"', 'amount="1.50"'))).toBeUndefined();
    expect(challengeOf(FIELD.replace('amount="64"', 'amount="0"'))).toBeUndefined();
    expect(challengeOf(FIELD.replace("https://gw.example", "http://gw.example"))).toBeUndefined();
    expect(
      challengeOf(FIELD.replace(" gpu-second:h100-sxm", "  gpu-second:h100-sxm")),
    ).toBeUndefined();
    expect(challengeOf(FIELD.replace('"64"', '"64'))).toBeUndefined();
  });
});

describe("the credentials of a paid request (spec §16.2)", () => {
  it("carry one token68 after the scheme OCT, in any case", () => {
    expect(tokenOfCredentials(credentialsOf("eyJ.eyJ.sig"))).toBe("eyJ.eyJ.sig");
    expect(tokenOfCredentials("oct   eyJ.eyJ.sig")).toBe("eyJ.eyJ.sig");
    expect(tokenOfCredentials("Bearer eyJ.eyJ.sig")).toBeUndefined();
    expect(tokenOfCredentials("OCT")).toBeUndefined();
    expect(tokenOfCredentials("OCT a.b.c d.e.f")).toBeUndefined();
    expect(tokenOfCredentials(null)).toBeUndefined();
  });
});
