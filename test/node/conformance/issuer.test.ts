import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkIssuer } from "../../../conformance/runner/issuer.ts";
import { mintToken } from "../../../src/core/issuer/mint.ts";
import { publicJwks, type PrivateJwk } from "../../../src/core/issuer/keys.ts";
import { ROOT } from "../../support/processes.ts";

const key = JSON.parse(
  readFileSync(`${ROOT}config/demo/keys/carrier-a.private.jwk.json`, "utf8"),
) as PrivateJwk;
const now = Math.floor(Date.now() / 1000);
const claims = (extra: Record<string, unknown> = {}) => ({
  iss: "https://tokens.carrier-a.example",
  sub: "acct",
  aud: "urn:oct:redeem",
  iat: now,
  exp: now + 3600,
  jti: `issuer-${Math.random()}`,
  oct: { ver: "0.1" as const, amount: "1", unit: "pflop" },
  ...extra,
});

describe("oct conformance issuer", () => {
  it("passes a carrier whose keys and tokens follow the profile", async () => {
    const report = await checkIssuer({
      jwks: publicJwks([key]),
      jwksSource: "jwks.json",
      tokens: [await mintToken(claims(), key), await mintToken(claims(), key)],
      now,
    });
    expect(report.results.filter((r) => r.status !== "pass")).toEqual([]);
    expect(report.summary.conformant).toBe(true);
  });

  it("fails a key set that publishes a private key", async () => {
    const report = await checkIssuer({
      jwks: { keys: [key] },
      jwksSource: "jwks.json",
      tokens: [],
      now,
    });
    expect(report.summary.conformant).toBe(false);
    expect(report.results.find((r) => r.id === "iss-key-1")?.message).toContain(
      'private or symmetric member "d"',
    );
  });

  it("fails tokens with a bad claim, a foreign kid or mixed issuers, naming the code", async () => {
    const report = await checkIssuer({
      jwks: publicJwks([key]),
      jwksSource: "jwks.json",
      tokens: [
        await mintToken(claims({ oct: { ver: "0.1", amount: "1.50", unit: "pflop" } }), key),
        await mintToken(claims(), { ...key, kid: "not-published" }),
        await mintToken(claims({ iss: "https://other.example" }), key),
        "garbage",
      ],
      now,
    });
    const messages = report.results.filter((r) => r.status === "fail").map((r) => r.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^claims_invalid/),
        expect.stringMatching(/^key_unknown/),
        expect.stringMatching(/^token_malformed/),
        expect.stringMatching(/several issuers/),
      ]),
    );
  });
});
