import { describe, expect, it } from "vitest";
import {
  indexProblems,
  keywordSentences,
  levelsOf,
  syncRequirements,
  withoutMarkers,
} from "./requirements.ts";

const SPEC = `# Doc

## 1. Intro

### 1.2. Requirements Language

The key words "MUST" and "SHOULD" are to be interpreted as in BCP 14.

## 5. Keys

A gateway MUST fetch keys. It then caches them, e.g. for a while. Operators SHOULD keep
the grace short; gateways MUST NOT serve stale sets.

1. MUST NOT follow redirects: a 3xx answer is a failed fetch.
2. Counts, without any key word.

| Limit | Meaning |
|---|---|
| \`body_max_bytes\` | Body size. SHOULD exceed the token size. |
| \`jwks_cache_seconds\` | Freshness. |

\`\`\`text
A MUST in code is no requirement.
\`\`\`

A \`MUST\` in backticks names the word. The **Step.** It MAY be skipped.
`;

const ids = (spec: string) => [...spec.matchAll(/<!-- (R-[0-9a-z]+) -->/g)].map((m) => m[1]!);

describe("keyword sentences of the spec", () => {
  it("are found in paragraphs, list items and table cells, outside code, with their sections and key words", () => {
    const found = keywordSentences(SPEC).map((s) => [s.section, s.keywords.join("+"), s.text]);
    expect(found).toEqual([
      [
        "1.2",
        "MUST+SHOULD",
        'The key words "MUST" and "SHOULD" are to be interpreted as in BCP 14.',
      ],
      ["5", "MUST", "A gateway MUST fetch keys."],
      [
        "5",
        "SHOULD+MUST NOT",
        "Operators SHOULD keep the grace short; gateways MUST NOT serve stale sets.",
      ],
      ["5", "MUST NOT", "MUST NOT follow redirects: a 3xx answer is a failed fetch."],
      ["5", "SHOULD", "SHOULD exceed the token size."],
      ["5", "MAY", "It MAY be skipped."],
    ]);
  });

  it("have the levels of their key words, strongest first", () => {
    expect(levelsOf(["SHOULD", "MUST NOT", "OPTIONAL"])).toEqual(["MUST", "SHOULD", "MAY"]);
    expect(levelsOf(["RECOMMENDED", "SHALL"])).toEqual(["MUST", "SHOULD"]);
  });
});

describe("npm run gen on the requirements", () => {
  const first = syncRequirements(SPEC);

  it("writes an id after every keyword sentence outside §1.2, and indexes each", () => {
    expect(ids(first.spec)).toHaveLength(5);
    expect(first.spec).toContain("A gateway MUST fetch keys. <!-- R-");
    expect(first.spec).toMatch(/SHOULD exceed the token size\. <!-- R-[0-9a-z]+ --> \|/);
    expect(withoutMarkers(first.spec)).toBe(SPEC);
    expect(first.index.requirements.map((r) => [r.section, r.levels.join("/"), r.check])).toEqual([
      ["5", "MUST", "gateway"],
      ["5", "MUST/SHOULD", "gateway"],
      ["5", "MUST", "gateway"],
      ["5", "SHOULD", "gateway"],
      ["5", "MAY", "gateway"],
    ]);
    expect(first.changes).toHaveLength(5);
  });

  it("changes nothing the second time", () => {
    const again = syncRequirements(first.spec, first.index);
    expect(again.spec).toBe(first.spec);
    expect(again.index).toEqual(first.index);
    expect(again.changes).toEqual([]);
  });

  it("keeps what a person wrote in the index: how a requirement is checked, and why", () => {
    const index = structuredClone(first.index);
    Object.assign(index.requirements[3]!, { check: "none", reason: "a choice of the operator" });
    const again = syncRequirements(first.spec, index);
    expect(again.index.requirements[3]).toMatchObject({
      check: "none",
      reason: "a choice of the operator",
    });
  });

  it("takes back the ids a merge dropped, by the same text or a reworded one", () => {
    const dropped = withoutMarkers(first.spec).replace(
      "Operators SHOULD keep\nthe grace short",
      "Operators SHOULD keep\nthe grace period short",
    );
    const merged = syncRequirements(dropped, first.index);
    expect(ids(merged.spec)).toEqual(ids(first.spec));
    expect(merged.changes).toEqual([expect.stringMatching(/taken back by a reworded sentence/)]);
  });

  it("gives a new sentence a new id, retires the id of a removed one, and never gives it again", () => {
    const edited = first.spec
      .replace(
        /1\. MUST NOT follow redirects: a 3xx answer is a failed fetch\. <!-- (R-[0-9a-z]+) -->/,
        "1. Follows nothing.",
      )
      .replace("2. Counts, without any key word.", "2. Counts; a gateway MUST count.");
    const removed = ids(first.spec)[2]!;
    const synced = syncRequirements(edited, first.index);
    expect(ids(synced.spec)).not.toContain(removed);
    expect(synced.index.retired).toEqual([removed]);
    expect(synced.changes).toEqual([
      expect.stringMatching(/^§5: new R-[0-9a-z]+: "Counts; a gateway MUST count\."$/),
      expect.stringMatching(new RegExp(`^§5: retired ${removed}`)),
    ]);
    // The removed sentence written again gets a fresh id, never its retired one.
    const back = syncRequirements(withoutMarkers(first.spec), synced.index);
    expect(ids(back.spec)).not.toContain(removed);
  });

  it("removes an id from a sentence that lost its key word, and splits an id that stands twice", () => {
    const [a, b] = ids(first.spec);
    const edited = first.spec
      .replace("A gateway MUST fetch keys.", "A gateway fetches keys.")
      .replace(`<!-- ${b} -->`, `<!-- ${a} -->`);
    const synced = syncRequirements(edited, first.index);
    expect(synced.changes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`removed ${a}, its sentence has no key word`)),
      ]),
    );
    expect(ids(synced.spec)).toContain(a);
    expect(new Set(ids(synced.spec)).size).toBe(ids(synced.spec).length);
  });
});

describe("the index's hand-kept members", () => {
  it("need a reason for a requirement no suite checks, and levels the sentence has", () => {
    const { index } = syncRequirements(SPEC);
    Object.assign(index.requirements[0]!, { check: "none" });
    Object.assign(index.requirements[1]!, { except: { MAY: "nothing" } });
    expect(indexProblems(index)).toEqual([
      `${index.requirements[0]!.id}: a requirement no suite checks needs its reason`,
      `${index.requirements[1]!.id}: except names MAY, which its sentence does not use`,
    ]);
  });
});
