import { describe, expect, it } from "vitest";
import { canonicalSpelling, positiveAmountOption } from "./amount.ts";

describe("amounts on the command line", () => {
  it("spell a number the canonical way, with strings only", () => {
    const cases: [string, string | undefined][] = [
      ["1.50", "1.5"],
      ["1e3", "1000"],
      ["2E+2", "200"],
      ["1.5e-2", "0.015"],
      ["+5", "5"],
      [".5", "0.5"],
      ["5.", "5"],
      ["007", "7"],
      ["0.000", "0"],
      ["-2.50", "-2.5"],
      ["12345678901234567890.123456789", "12345678901234567890.123456789"],
      ["abc", undefined],
      [".", undefined],
      ["1e", undefined],
      ["", undefined],
    ];
    for (const [text, spelled] of cases)
      expect([text, canonicalSpelling(text)]).toEqual([text, spelled]);
  });

  it("accept a positive canonical decimal as it is", () => {
    expect(positiveAmountOption("amount", "100")).toBe("100");
    expect(positiveAmountOption("amount", "0.000000000000000001")).toBe("0.000000000000000001");
  });

  it("refuse anything else, saying what to write", () => {
    const refusal = (text: string) => {
      try {
        positiveAmountOption("amount", text);
      } catch (error) {
        return (error as Error).message;
      }
      return "accepted";
    };
    expect(refusal("1.50")).toBe(
      "--amount 1.50 is not how amounts are written (no sign, exponent or extra zeros): write 1.5",
    );
    expect(refusal("1e3")).toMatch(/: write 1000$/);
    expect(refusal("0")).toBe("--amount 0 must be greater than zero");
    expect(refusal("-1")).toBe("--amount -1 must be greater than zero");
    expect(refusal("1e-19")).toBe("--amount 1e-19 has more than 18 digits after the point");
    expect(refusal("1e30")).toBe("--amount 1e30 has more than 30 digits before the point");
    expect(refusal("ten")).toBe("--amount ten is not a decimal number (e.g. 100 or 0.5)");
  });
});
