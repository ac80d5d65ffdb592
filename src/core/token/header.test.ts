import { describe, expect, it } from "vitest";
import {
  ALLOWED_ALGORITHMS,
  checkHeader,
  isAllowedAlgorithm,
  isSignedHeader,
  isWellFormedKid,
} from "./header.ts";

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

describe("isSignedHeader (receipts, report signatures, documents between gateways)", () => {
  const typ = "oct-grant+jwt";
  const signed = { alg: "ES256", typ, kid: "gw-b-1" };

  it("accepts exactly alg, the expected typ and a printable kid, in any order, for every allowed alg", () => {
    for (const alg of ALLOWED_ALGORITHMS)
      expect(isSignedHeader({ ...signed, alg }, typ)).toBe(true);
    expect(isSignedHeader({ kid: "!~", typ, alg: "EdDSA" }, typ)).toBe(true);
  });

  it("refuses another typ, even one jose would take as equal", () => {
    for (const other of ["oct-usage+jwt", "OCT-GRANT+JWT", `application/${typ}`, undefined])
      expect(isSignedHeader({ ...signed, typ: other }, typ), String(other)).toBe(false);
  });

  it("refuses an alg outside the allow-list and a malformed or missing kid", () => {
    for (const alg of ["none", "HS256", "es256", undefined])
      expect(isSignedHeader({ ...signed, alg }, typ), String(alg)).toBe(false);
    for (const kid of [undefined, "", "k".repeat(129), "a b", "é", 7])
      expect(isSignedHeader({ ...signed, kid }, typ), String(kid)).toBe(false);
  });

  it("refuses any member beyond alg, typ and kid, and a header missing one", () => {
    for (const member of ["crit", "jku", "jwk", "x5c", "b64", "cty", "extra"])
      expect(isSignedHeader({ ...signed, [member]: "x" }, typ), member).toBe(false);
    expect(isSignedHeader({ alg: "ES256", typ }, typ)).toBe(false);
    expect(isSignedHeader({ alg: "ES256", typ, kid: "k", kid2: "k" }, typ)).toBe(false);
  });

  it("isWellFormedKid takes 1 to 128 printable ASCII characters without space", () => {
    expect(isWellFormedKid("k".repeat(128))).toBe(true);
    expect(isWellFormedKid("k".repeat(129))).toBe(false);
    expect(isWellFormedKid("a\tb")).toBe(false);
    expect(isWellFormedKid(["k"])).toBe(false);
  });
});
