/**
 * @module Reads the error code registry of `spec/oct.md` §12 (its table:
 * code, HTTP status, meaning, raised by) into data, so the code's error
 * tables are generated from the spec and a row added there is picked up
 * by `npm run gen` with nothing else to edit.
 */
import { sectionBody, SPEC_PATH, tableRows } from "./spec-text.ts";
import { SpecFileError } from "./spec-files.ts";

export interface ErrorRow {
  code: string;
  /** The statuses the row allows, the usual one first (`502 / 503`). */
  statuses: number[];
  /** The Meaning column, without Markdown: the problem's `title`. */
  meaning: string;
  /** The Raised by column as written, e.g. `§6.2 steps 1–4`. */
  raisedBy: string;
  /** The sections it cites, e.g. `["6.2", "8.3"]`. */
  sections: string[];
  /** The steps of §6.2 that raise the code (empty when none does). */
  verificationSteps: number[];
}

/** `\`exp\` <= now` → `exp <= now`; a trailing period goes. */
const plain = (cell: string) =>
  cell
    .replace(/`([^`]*)`/g, "$1")
    .replace(/\*\*?([^*]+)\*\*?/g, "$1")
    .replace(/\.$/, "");

/** The step numbers of §6.2 named in a Raised by cell: `§6.2 steps 1–4, §8.3` → [1, 2, 3, 4]. */
export function verificationStepsOf(raisedBy: string): number[] {
  const steps = new Set<number>();
  for (const reference of raisedBy.split(/,?\s*(?=§)/)) {
    const match = /^§6\.2 steps? (.+)$/.exec(reference.trim());
    if (!match) continue;
    for (const part of match[1]!.split(/,\s*/)) {
      const range = /^(\d+)(?:\s*[–-]\s*(\d+))?$/.exec(part.trim());
      if (!range) continue;
      const from = Number(range[1]);
      const to = Number(range[2] ?? range[1]);
      for (let step = from; step <= to; step++) steps.add(step);
    }
  }
  return [...steps].sort((a, b) => a - b);
}

/** The rows of the §12 table, in the spec's order; the section is found by its title. */
export function errorRows(spec: string): ErrorRow[] {
  const section = sectionBody(spec, /^## \d+\. Error Code Registry$/);
  if (!section) throw new SpecFileError(SPEC_PATH, "", "no section Error Code Registry");
  const rows: ErrorRow[] = [];
  for (const cells of tableRows(section.body)) {
    const code = /^`([a-z][a-z0-9_]{0,63})`$/.exec(cells[0]!)?.[1];
    if (!code) continue;
    const statuses = (cells[1] ?? "").split("/").map((s) => Number(s.trim()));
    if (statuses.some((s) => !Number.isInteger(s) || s < 400 || s > 599))
      throw new SpecFileError(SPEC_PATH, "", `§12: ${code} has no HTTP error status`);
    if (rows.some((row) => row.code === code))
      throw new SpecFileError(SPEC_PATH, "", `§12: ${code} is listed twice`);
    const raisedBy = cells[3] ?? "";
    rows.push({
      code,
      statuses,
      meaning: plain(cells[2] ?? ""),
      raisedBy,
      sections: [...raisedBy.matchAll(/§(\d+(?:\.\d+)?)/g)].map((m) => m[1]!),
      verificationSteps: verificationStepsOf(raisedBy),
    });
  }
  if (rows.length === 0)
    throw new SpecFileError(SPEC_PATH, "", "the error code registry lists no error code");
  return rows;
}
