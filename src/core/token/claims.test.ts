import { describe, expect, it } from "vitest";
import { checkClaims, DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, type ClaimsPolicy } from "./claims.ts";

const NOW = 1_900_000_000;
const policy: ClaimsPolicy = {
  now: NOW,
  clockSkewSeconds: 60,
  maxLifetimeSeconds: DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
};
const claims = (overrides: Record<string, unknown> = {}) => ({
  iss: "https://tokens.carrier-a.example",
  sub: "acct-42",
  iat: NOW - 10,
  exp: NOW + 3600,
  jti: "01JD3V6Q6J8Y6E0ZK8QX6B1T2M",
  oct: { ver: "0.1", amount: "1000.5", unit: "gpu-second:h100-sxm" },
  ...overrides,
});
const verdict = (payload: Record<string, unknown>, with_: Partial<ClaimsPolicy> = {}) => {
  try {
    checkClaims(payload, { ...policy, ...with_ });
    return "accepted";
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe("checkClaims (step 8)", () => {
  it("8.1: the claims schema, with the JSON Pointer of the first failure", () => {
    try {
      checkClaims(claims({ sub: "" }), policy);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "claims_invalid", errors: [{ pointer: "/sub" }] });
    }
    expect(verdict(claims({ exp: 1e300 }))).toBe("claims_invalid");
  });

  it("8.1: iat <= exp and nbf <= exp hold, equality included", () => {
    expect(verdict(claims({ iat: NOW - 10, exp: NOW - 10 }))).toBe("accepted");
    expect(verdict(claims({ iat: NOW - 10, exp: NOW - 11 }))).toBe("claims_invalid");
    expect(verdict(claims({ iat: NOW - 100, nbf: NOW - 10, exp: NOW - 10 }))).toBe("accepted");
    // nbf after exp is invalid claims, before any time check.
    expect(verdict(claims({ nbf: NOW + 3601 }))).toBe("claims_invalid");
  });

  it("8.2: a unit of the right shape outside the registry", () => {
    expect(
      verdict(claims({ oct: { ver: "0.1", amount: "1", unit: "gpu-second:no-such-gpu" } })),
    ).toBe("unit_unknown");
  });

  it("8.3: nbf and iat may be up to the skew ahead, not one second more", () => {
    expect(verdict(claims({ nbf: NOW + 60 }))).toBe("accepted");
    expect(verdict(claims({ nbf: NOW + 61 }))).toBe("token_not_yet_valid");
    expect(verdict(claims({ iat: NOW + 60 }))).toBe("accepted");
    expect(verdict(claims({ iat: NOW + 61 }))).toBe("token_not_yet_valid");
  });

  it("8.4: exp may have passed by less than the skew; at exactly the skew it has expired", () => {
    expect(verdict(claims({ iat: NOW - 3600, exp: NOW - 59 }))).toBe("accepted");
    expect(verdict(claims({ iat: NOW - 3600, exp: NOW - 60 }))).toBe("token_expired");
  });

  it("8.5: the lifetime may equal the carrier's maximum, not exceed it", () => {
    const max = 86_400;
    expect(verdict(claims({ exp: NOW - 10 + max }), { maxLifetimeSeconds: max })).toBe("accepted");
    expect(verdict(claims({ exp: NOW - 9 + max }), { maxLifetimeSeconds: max })).toBe(
      "claims_invalid",
    );
    expect(DEFAULT_MAX_TOKEN_LIFETIME_SECONDS).toBe(400 * 86_400);
  });
});
