import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_REGISTRY } from "../../src/generated/errors.ts";
import { errorRows, verificationStepsOf } from "./error-registry.ts";

const spec = readFileSync(new URL("../../spec/oct.md", import.meta.url), "utf8");

describe("the error registry of spec §12", () => {
  it("is what src/generated/errors.ts holds, row for row", () => {
    const rows = errorRows(spec);
    expect(rows.map((r) => r.code)).toEqual(Object.keys(ERROR_REGISTRY));
    for (const row of rows) {
      expect(ERROR_REGISTRY[row.code as keyof typeof ERROR_REGISTRY]).toEqual({
        statuses: row.statuses,
        title: row.meaning,
        raisedBy: row.raisedBy,
        verificationSteps: row.verificationSteps,
      });
    }
  });

  it("reads two statuses, plain titles and the steps of §6.2 that raise a code", () => {
    const byCode = new Map(errorRows(spec).map((r) => [r.code, r]));
    expect(byCode.get("provider_unavailable")!.statuses).toEqual([502, 503]);
    expect(byCode.get("token_expired")!.meaning).toBe("exp <= now - skew");
    expect(byCode.get("token_malformed")!.verificationSteps).toEqual([1, 2, 3, 4]);
    expect(byCode.get("alg_not_allowed")!.verificationSteps).toEqual([3, 5, 6]);
    expect(byCode.get("claims_invalid")!.verificationSteps).toEqual([8]);
    expect(byCode.get("no_tariff")!.verificationSteps).toEqual([]);
    expect(verificationStepsOf("§8.4, §6.2 step 6")).toEqual([6]);
  });

  it("picks up a row added to the table, and refuses a row without an error status", () => {
    const added = spec.replace(
      "| `internal_error` |",
      "| `gateway_tired` | 503 | The gateway is tired; retry. | §8.4 |\n| `internal_error` |",
    );
    expect(errorRows(added).find((r) => r.code === "gateway_tired")).toEqual({
      code: "gateway_tired",
      statuses: [503],
      meaning: "The gateway is tired; retry",
      raisedBy: "§8.4",
      sections: ["8.4"],
      verificationSteps: [],
    });
    const broken = spec.replace("| `not_found` | 404 |", "| `not_found` | 200 |");
    expect(() => errorRows(broken)).toThrow("not_found has no HTTP error status");
  });
});
