/**
 * @module The requirements of `spec/oct.md` (`conformance/requirements.json`,
 * written by `npm run gen` from the ids inline in the spec) traced to the
 * cases that check them: for each requirement its cases, and the gaps, the
 * testable MUST and SHOULD levels no case checks yet.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CONFORMANCE_DIR } from "./load.ts";
import type { Level } from "./types.ts";

export const REQUIREMENTS_FILE = join(CONFORMANCE_DIR, "requirements.json");

export interface Requirement {
  id: string;
  section: string;
  levels: Level[];
  sentence: string;
  /** `gateway` or `issuer`: the suite that checks it; `none`: not testable over HTTP. */
  check: "gateway" | "issuer" | "none";
  reason?: string;
  /** Levels of the sentence no case can check, with the reason. */
  except?: Partial<Record<Level, string>>;
  /** Why no weakened gateway breaks this MUST from the outside, and what proves it instead. */
  unbreakable?: string;
}

/** A case as traceability sees it: its id, level and the requirements it names. */
export interface TracedCase {
  id: string;
  level: Level;
  requirements: readonly string[];
}

export interface Traced {
  requirement: Requirement;
  /** The cases naming it, in suite order. */
  cases: TracedCase[];
  /** Testable levels (MUST, SHOULD) of the requirement that no case of that level checks. */
  gaps: Level[];
}

export function loadRequirements(path = REQUIREMENTS_FILE): Requirement[] {
  return (JSON.parse(readFileSync(path, "utf8")) as { requirements: Requirement[] }).requirements;
}

/** The levels a case must cover for a requirement to have no gap. */
export function testableLevels(requirement: Requirement): Level[] {
  if (requirement.check === "none") return [];
  return requirement.levels.filter(
    (level) => level !== "MAY" && requirement.except?.[level] === undefined,
  );
}

/** Each requirement with the cases that name it and its gaps. */
export function trace(
  requirements: readonly Requirement[],
  cases: readonly TracedCase[],
): Traced[] {
  return requirements.map((requirement) => {
    const naming = cases.filter((c) => c.requirements.includes(requirement.id));
    const gaps = testableLevels(requirement).filter(
      (level) => !naming.some((c) => c.level === level),
    );
    return { requirement, cases: naming, gaps };
  });
}

/**
 * What traceability refuses, one sentence each: a case naming an unknown
 * requirement, a case whose level none of its requirements has, and a
 * testable MUST or SHOULD that no case of that level checks.
 */
export function traceProblems(
  requirements: readonly Requirement[],
  cases: readonly TracedCase[],
): string[] {
  const byId = new Map(requirements.map((r) => [r.id, r]));
  const problems: string[] = [];
  for (const c of cases) {
    const named = c.requirements.map((id) => byId.get(id));
    c.requirements.forEach((id, i) => {
      if (!named[i]) problems.push(`${c.id} names ${id}, which spec/oct.md does not have`);
    });
    const levels = named.flatMap((r) => r?.levels ?? []);
    if (named.every(Boolean) && !levels.includes(c.level))
      problems.push(
        `${c.id} is a ${c.level} case, but none of ${c.requirements.join(", ")} is a ${c.level}`,
      );
  }
  for (const { requirement: r, gaps } of trace(requirements, cases)) {
    for (const level of gaps) {
      problems.push(
        `${r.id} (§${r.section}, ${level}) has no ${level} case: "${r.sentence}" — name it in a case's ` +
          "requirements, or say in conformance/requirements.json why it cannot be checked",
      );
    }
  }
  return problems;
}

const short = (text: string, length = 140) =>
  text.length > length ? `${text.slice(0, length - 1).trimEnd()}…` : text;

/** How a traced requirement is checked, in words: its cases, its gaps, or why none can check it. */
export function checkedBy({ requirement: r, cases, gaps }: Traced): string {
  if (r.check === "none") return `not over HTTP: ${r.reason ?? ""}`;
  return [
    cases.length > 0 ? cases.map((c) => c.id).join(", ") : "no case",
    ...gaps.map((level) => `**gap: no ${level} case**`),
    ...Object.entries(r.except ?? {}).map(([level, why]) => `${level} not over HTTP: ${why}`),
  ].join("; ");
}

/**
 * The requirement → cases matrix as Markdown, one list item per requirement
 * under its section (a list, not a table: it stays readable as source).
 */
export function matrixMarkdown(traced: readonly Traced[]): string {
  const lines: string[] = [];
  let section: string | undefined;
  for (const t of traced) {
    if (t.requirement.section !== section) {
      section = t.requirement.section;
      lines.push("", `**§${section}**`, "");
    }
    const r = t.requirement;
    lines.push(
      `- \`${r.id}\` ${r.levels.join("/")} (${r.check}): ${short(r.sentence).replace(/\s+/g, " ")} — ${checkedBy(t)}`,
    );
  }
  return lines.join("\n").trim();
}

/** Counts for a summary line: testable requirements, those covered, gaps, untestable. */
export function traceSummary(traced: readonly Traced[]): {
  requirements: number;
  testable: number;
  covered: number;
  gaps: number;
  untestable: number;
} {
  const testable = traced.filter((t) => testableLevels(t.requirement).length > 0);
  return {
    requirements: traced.length,
    testable: testable.length,
    covered: testable.filter((t) => t.gaps.length === 0).length,
    gaps: traced.reduce((n, t) => n + t.gaps.length, 0),
    untestable: traced.filter((t) => t.requirement.check === "none").length,
  };
}
