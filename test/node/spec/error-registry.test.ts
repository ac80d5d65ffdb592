/**
 * The error registry of spec §12 and its mirror in the code (`ERROR_STATUS`,
 * `ERROR_TITLE`) list the same codes with the same statuses.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_STATUS, ERROR_TITLE } from "../../../src/core/errors.ts";

const spec = readFileSync(new URL("../../../spec/oct.md", import.meta.url), "utf8");
// Found by its title, so that a section inserted before it leaves the test pointing at it.
const start = spec.search(/^## \d+\. Error Code Registry$/m);
const section = spec.slice(start, spec.indexOf("\n## ", start + 1));
const rows = [...section.matchAll(/^\| `([a-z_]+)` \| ([0-9 /]+) \|/gm)].map(
  ([, code, status]) => ({
    code: code!,
    statuses: status!.split("/").map((s) => Number(s.trim())),
  }),
);

describe("spec §12 and src/core/errors.ts", () => {
  it("list the same codes, in the same order", () => {
    expect(rows.map((r) => r.code)).toEqual(Object.keys(ERROR_STATUS));
    expect(Object.keys(ERROR_TITLE)).toEqual(Object.keys(ERROR_STATUS));
  });

  it("give each code its status (the first, where the spec allows two)", () => {
    for (const { code, statuses } of rows) {
      expect({ code, status: ERROR_STATUS[code as keyof typeof ERROR_STATUS] }).toEqual({
        code,
        status: statuses[0],
      });
    }
  });
});
