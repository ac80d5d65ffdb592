import { describe, expect, it } from "vitest";
import { decodeForDisplay, stepOfCode, stepOutcomes } from "./steps.ts";

describe("the inspection model", () => {
  it("places a code on the step §12 says raises it, after the keyless steps 1-4", () => {
    expect(stepOfCode("issuer_untrusted")).toBe(5);
    expect(stepOfCode("alg_not_allowed")).toBe(5); // raised by steps 3, 5 and 6
    expect(stepOfCode("key_unknown")).toBe(6);
    expect(stepOfCode("signature_invalid")).toBe(7);
    expect(stepOfCode("token_expired")).toBe(8);
    expect(stepOfCode("token_malformed")).toBe(4); // only steps 1-4: the last of them
    expect(stepOfCode("alg_not_allowed", 1)).toBe(3);
    expect(stepOfCode("no_such_code")).toBe(8);
  });

  it("marks the steps before a refusal passed and those after it not reached", () => {
    const steps = stepOutcomes({ step: 6, code: "key_unknown", detail: "no key k9" });
    expect(steps.map((s) => s.status)).toEqual([
      ...Array(5).fill("passed"),
      "failed",
      "not_reached",
      "not_reached",
      "not_reached",
    ]);
    expect(steps[5]).toEqual({
      step: 6,
      title: "Carrier key by kid",
      section: "6.2 step 6",
      status: "failed",
      code: "key_unknown",
      detail: "no key k9",
    });
    expect(stepOutcomes().every((s) => s.status === "passed" && !("code" in s))).toBe(true);
  });

  it("decodes header and payload for display only, and nothing of an oversized token", () => {
    const segment = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, "");
    const token = `${segment({ alg: "none" })}.${segment({ iss: "x" })}.sig`;
    expect(decodeForDisplay(token, 8192)).toEqual({
      header: { alg: "none" },
      claims: { iss: "x" },
    });
    expect(decodeForDisplay(`${segment([1])}.!!.x`, 8192)).toEqual({});
    expect(decodeForDisplay(token, token.length - 1)).toEqual({});
  });
});
