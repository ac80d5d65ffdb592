/**
 * The requirements of spec/oct.md as data, traced to the suite: every
 * keyword sentence has an id and the index agrees with the text, and every
 * testable MUST and SHOULD has a case of its level.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allTracedCases } from "../../../conformance/runner/catalogue.ts";
import {
  loadRequirements,
  REQUIREMENTS_FILE,
  trace,
  traceProblems,
  type TracedCase,
} from "../../../conformance/runner/requirements.ts";
import {
  indexProblems,
  syncRequirements,
  type RequirementIndex,
} from "../../../scripts/lib/requirements.ts";
import { ROOT } from "../../support/processes.ts";

const spec = readFileSync(join(ROOT, "spec/oct.md"), "utf8");
const index = JSON.parse(readFileSync(REQUIREMENTS_FILE, "utf8")) as RequirementIndex;

describe("the requirement ids of spec/oct.md", () => {
  it("stand after every keyword sentence, and the index says what the text says (else: npm run gen)", () => {
    const synced = syncRequirements(spec, index);
    expect(synced.changes).toEqual([]);
    expect(synced.index.requirements).toEqual(index.requirements);
  });

  it("say for each requirement how it is checked, with the reason when it cannot be", () => {
    expect(indexProblems(index)).toEqual([]);
    expect(index.requirements.length).toBeGreaterThan(140);
  });
});

describe("traceability", () => {
  const requirements = loadRequirements();
  const cases = allTracedCases();

  it("every case names requirements the spec has, of its level, and every testable MUST and SHOULD has a case", () => {
    expect(traceProblems(requirements, cases)).toEqual([]);
  });

  it("refuses an unknown requirement, a case above its requirements' level, and a testable requirement without a case", () => {
    const must = requirements.find((r) => r.check === "gateway" && r.levels.join() === "MUST")!;
    const broken: TracedCase[] = [
      ...cases.filter((c) => !c.requirements.includes(must.id)),
      { id: "zz-001", level: "MUST", requirements: ["R-zzzzz"] },
      { id: "zz-002", level: "SHOULD", requirements: [must.id] },
    ];
    const problems = traceProblems(requirements, broken);
    expect(problems).toContain("zz-001 names R-zzzzz, which spec/oct.md does not have");
    expect(problems).toContain(`zz-002 is a SHOULD case, but none of ${must.id} is a SHOULD`);
    expect(problems).toContainEqual(
      expect.stringContaining(`${must.id} (§${must.section}, MUST) has no MUST case`),
    );
  });

  it("leaves no testable requirement uncovered, and counts MAY and untestable ones apart", () => {
    const traced = trace(requirements, cases);
    expect(traced.flatMap((t) => t.gaps)).toEqual([]);
    const untestable = traced.filter((t) => t.requirement.check === "none");
    for (const t of untestable) expect(t.requirement.reason, t.requirement.id).toBeTruthy();
    expect(untestable.length).toBeLessThan(traced.length / 2);
  });
});
