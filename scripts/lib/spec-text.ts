/**
 * @module Reading `spec/oct.md` as text: a section's body by its heading,
 * and the cells of the Markdown table rows in it. The generators take the
 * spec's own tables (§7.1 operations, §12 error codes) from here.
 */

import { withoutMarkers } from "./requirements.ts";

export const SPEC_PATH = "spec/oct.md";

/**
 * The body of the section whose heading matches (up to the next heading of
 * level 1-3), without the requirement ids written inline (`<!-- R-… -->`).
 */
export function sectionBody(
  text: string,
  heading: RegExp,
): { title: string; body: string } | undefined {
  const lines = withoutMarkers(text).split("\n");
  const start = lines.findIndex((line) => heading.test(line));
  if (start < 0) return undefined;
  let end = lines.findIndex((line, i) => i > start && /^#{1,3} /.test(line));
  if (end < 0) end = lines.length;
  return {
    title: lines[start]!.replace(/^#+ /, ""),
    body: lines
      .slice(start + 1, end)
      .join("\n")
      .trim(),
  };
}

/** The trimmed cells of each Markdown table row (`| a | b |`) in `body`, header rows included. */
export function tableRows(body: string): string[][] {
  return body.split("\n").flatMap((line) => {
    const inner = /^\|(.*)\|$/.exec(line.trim())?.[1];
    return inner === undefined ? [] : [inner.split("|").map((cell) => cell.trim())];
  });
}
