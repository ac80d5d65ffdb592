/**
 * The generated standalone validators inside workerd, where `eval` and
 * `new Function` are forbidden: every example of spec/examples/ must
 * validate or fail exactly as labelled, as it does on Node.
 */
import { describe, expect, it } from "vitest";
import * as generated from "../../src/generated/validators.js";
import { checkExamples, validatorName, type ValidateFn } from "../../scripts/lib/examples.ts";

const exampleFiles = import.meta.glob<{ default: unknown }>("../../spec/examples/*.examples.json", {
  eager: true,
});

function validatorFor(schemaFile: string): ValidateFn | undefined {
  return (generated as unknown as Record<string, ValidateFn>)[validatorName(schemaFile)];
}

describe("generated validators in workerd", () => {
  it("finds the examples", () => {
    expect(Object.keys(exampleFiles).length).toBeGreaterThanOrEqual(18);
  });

  for (const [path, module] of Object.entries(exampleFiles)) {
    it(`${path.replace("../../", "")} holds as labelled`, () => {
      expect(checkExamples(path, module.default, validatorFor)).toEqual([]);
    });
  }

  it("refuses a claim set with exp 1e300", () => {
    const claims = {
      iss: "https://tokens.carrier-a.example",
      sub: "acct-42",
      iat: 1795000000,
      exp: 1e300,
      jti: "01JD3V6Q6J8Y6E0ZK8QX6B1T2M",
      oct: { ver: "0.1", amount: "1", unit: "pflop" },
    };
    expect(generated.validateTokenClaims(claims)).toBe(false);
    expect(generated.validateTokenClaims.errors?.[0]?.instancePath).toBe("/exp");
    expect(generated.validateTokenClaims({ ...claims, exp: 1826536000 })).toBe(true);
  });
});
