import { describe, expect, it } from "vitest";
import { ALLOWED_ALGORITHMS, checkHeader, isAllowedAlgorithm } from "./header.ts";

const verdict = (header: Record<string, unknown>) => {
  try {
    return checkHeader(header);
  } catch (error) {
    return (error as { code?: string }).code;
  }
};
const good = { alg: "EdDSA", typ: "oct+jwt", kid: "carrier-a-2026-01" };

describe("checkHeader (step 3)", () => {
  it("accepts exactly alg, typ oct+jwt and a printable kid, for every allowed alg", () => {
    for (const alg of ALLOWED_ALGORITHMS)
      expect(verdict({ ...good, alg })).toEqual({ ...good, alg });
    expect(verdict({ ...good, kid: "k".repeat(128) })).toMatchObject({ kid: "k".repeat(128) });
    expect(verdict({ ...good, kid: "!~" })).toMatchObject({ kid: "!~" });
  });

  it("checks the algorithm allow-list first (3.1), before the rest of the profile (3.2)", () => {
    for (const alg of ["none", "HS256", "ES512", "eddsa", 42, null])
      expect(verdict({ ...good, alg }), String(alg)).toBe("alg_not_allowed");
    expect(verdict({ alg: "none", jku: "https://evil.example", typ: "JWT" })).toBe(
      "alg_not_allowed",
    );
    expect(verdict({ typ: "oct+jwt", kid: "k" })).toBe("header_invalid");
  });

  it("refuses every member that would pick a key, change what is signed or nest a token", () => {
    for (const member of [
      "crit",
      "b64",
      "jku",
      "x5u",
      "x5c",
      "x5t",
      "x5t#S256",
      "jwk",
      "cty",
      "zip",
    ])
      expect(verdict({ ...good, [member]: "x" }), member).toBe("header_invalid");
    expect(verdict({ ...good, enc: "A128GCM" })).toBe("header_invalid");
  });

  it("refuses another typ, a missing or empty kid, a kid too long or with a space", () => {
    for (const typ of ["JWT", "OCT+JWT", undefined, 1])
      expect(verdict({ ...good, typ }), String(typ)).toBe("header_invalid");
    for (const kid of [undefined, "", "k".repeat(129), "a b", "é", 7])
      expect(verdict({ ...good, kid }), String(kid)).toBe("header_invalid");
  });

  it("isAllowedAlgorithm is an exact, case-sensitive match", () => {
    expect(isAllowedAlgorithm("ES256")).toBe(true);
    expect(isAllowedAlgorithm("es256")).toBe(false);
    expect(isAllowedAlgorithm(undefined)).toBe(false);
  });
});
