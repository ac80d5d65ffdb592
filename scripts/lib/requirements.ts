/**
 * @module The requirements of `spec/oct.md` as data. Every sentence with an
 * RFC 2119 keyword carries an id written inline right after it
 * (`… MUST be canonical. <!-- R-3kq7d -->`), so the id moves with the
 * sentence when the text around it is edited; `conformance/requirements.json`
 * indexes them (id, section, levels, sentence, and how each is checked).
 *
 * `npm run gen` gives an id to each keyword sentence that has none, takes
 * back the id of a sentence whose marker a merge dropped (same text, or
 * nearly), removes markers from sentences that lost their keyword, and
 * rewrites the index; `npm run gen:check` fails while any of that is
 * pending. Ids are drawn from a hash of the sentence, not a counter, so two
 * branches that add sentences at the same time do not hand out the same id.
 */
import { createHash } from "node:crypto";

/** A requirement id, e.g. `R-3kq7d`. */
export const ID_PATTERN = "R-[0-9a-hjkmnp-tv-z]{5,}";
const MARKER_AT = new RegExp(`^<!-- (${ID_PATTERN}) -->`);
/** A marker and the one space before it, as `gen` writes them. */
const MARKER_WITH_SPACE = new RegExp(` ?<!-- ${ID_PATTERN} -->`, "g");

/** The spec's text without its requirement markers, as readers of its prose want it. */
export const withoutMarkers = (text: string) => text.replace(MARKER_WITH_SPACE, "");

export type Level = "MUST" | "SHOULD" | "MAY";

/** The key words of BCP 14, longest first so `MUST NOT` is one word. */
const KEYWORD =
  /\b(MUST NOT|MUST|REQUIRED|SHALL NOT|SHALL|SHOULD NOT|SHOULD|NOT RECOMMENDED|RECOMMENDED|MAY|OPTIONAL)\b/g;
const LEVEL_OF: Record<string, Level> = {
  "MUST NOT": "MUST",
  MUST: "MUST",
  REQUIRED: "MUST",
  "SHALL NOT": "MUST",
  SHALL: "MUST",
  "SHOULD NOT": "SHOULD",
  SHOULD: "SHOULD",
  "NOT RECOMMENDED": "SHOULD",
  RECOMMENDED: "SHOULD",
  MAY: "MAY",
  OPTIONAL: "MAY",
};
const LEVELS: readonly Level[] = ["MUST", "SHOULD", "MAY"];
/** Sections whose key words define the key words rather than require anything. */
const DEFINING_SECTIONS = new Set(["1.2"]);

/** One sentence of the spec that holds a key word. */
export interface Sentence {
  /** The section it is in, e.g. `5.5` (`A.1` for an appendix). */
  section: string;
  /** Its text, whitespace collapsed, markers removed. */
  text: string;
  /** Its key words in order, e.g. `["MUST", "SHOULD NOT"]`. */
  keywords: string[];
  /** The id its marker gives it, if it has one. */
  id?: string;
  /** Offset in the spec just after the sentence (and its closing marks), where a marker goes. */
  end: number;
  /** The marker's extent (with the space before it), when it has one. */
  marker?: { start: number; end: number };
}

/** Where a contiguous run of prose lies in the spec, and the section it belongs to. */
interface Block {
  start: number;
  end: number;
  section: string;
}

const SECTION_HEADING = /^#+ (?:Appendix )?((?:\d+|[A-Z])(?:\.\d+)*)\.? /;
const LIST_ITEM = /^(\s*)(?:[-*]|\d+\.) +/;
const TABLE_SEPARATOR = /^\s*\|[\s:|-]+\|\s*$/;

/** The prose blocks of the spec: paragraphs, list items and table cells, outside code. */
function blocksOf(text: string): Block[] {
  const blocks: Block[] = [];
  let section = "0";
  let fenced = false;
  let open: Block | undefined;
  const flush = () => {
    if (open) blocks.push(open);
    open = undefined;
  };
  let offset = 0;
  for (const line of text.split("\n")) {
    const start = offset;
    const end = offset + line.length;
    offset = end + 1;
    if (/^\s*```/.test(line)) {
      flush();
      fenced = !fenced;
      continue;
    }
    if (fenced) continue;
    if (line.trim() === "") {
      flush();
      continue;
    }
    const heading = /^#+ /.test(line);
    if (heading) {
      flush();
      const number = SECTION_HEADING.exec(line);
      if (number) section = number[1]!;
      continue;
    }
    if (/^\s*\|/.test(line)) {
      flush();
      if (TABLE_SEPARATOR.test(line)) continue;
      // Cells between unescaped pipes, each a block of its own.
      let cellStart: number | undefined;
      for (let i = start; i < end; i++) {
        if (text[i] !== "|" || text[i - 1] === "\\") continue;
        if (cellStart !== undefined && i > cellStart)
          blocks.push({ start: cellStart, end: i, section });
        cellStart = i + 1;
      }
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      flush();
      open = { start: start + item[0].length, end, section };
      continue;
    }
    if (open) open.end = end;
    else open = { start, end, section };
  }
  flush();
  return blocks;
}

const CLOSERS = new Set([")", '"', "'", "*", "_"]);
const ABBREVIATION = /(?:^|[^A-Za-z])(?:e\.g|i\.e|etc|vs|cf)$/;

/** The sentences of one block, each with its marker when one follows it. */
function sentencesOf(text: string, block: Block): Omit<Sentence, "keywords">[] {
  const found: Omit<Sentence, "keywords">[] = [];
  const skipSpace = (i: number) => {
    while (i < block.end && /\s/.test(text[i]!)) i++;
    return i;
  };
  let sentenceStart = skipSpace(block.start);
  const close = (end: number, marker?: { start: number; end: number; id: string }) => {
    let last = end;
    while (last > sentenceStart && /\s/.test(text[last - 1]!)) last--;
    const raw = text.slice(sentenceStart, last);
    const plain = withoutMarkers(raw).replace(/\s+/g, " ").trim();
    if (plain !== "") {
      found.push({
        section: block.section,
        text: plain,
        end: last,
        ...(marker ? { id: marker.id, marker: { start: marker.start, end: marker.end } } : {}),
      });
    }
  };
  let inCode = false;
  let i = sentenceStart;
  while (i < block.end) {
    const marker = MARKER_AT.exec(text.slice(i, Math.min(block.end, i + 40)));
    if (marker) {
      // A marker ends the sentence before it, wherever it stands.
      const spaceBefore = text[i - 1] === " " ? i - 1 : i;
      close(spaceBefore, { id: marker[1]!, start: spaceBefore, end: i + marker[0].length });
      i = sentenceStart = skipSpace(i + marker[0].length);
      continue;
    }
    const c = text[i]!;
    if (c === "`") inCode = !inCode;
    if (!inCode && (c === "." || c === "!" || c === "?")) {
      if (c === "." && ABBREVIATION.test(text.slice(Math.max(block.start, i - 6), i))) {
        i++;
        continue;
      }
      let j = i + 1;
      while (j < block.end && CLOSERS.has(text[j]!)) j++;
      const k = skipSpace(j);
      const atEnd = j >= block.end || k >= block.end;
      const next = text[k];
      const markerNext = k < block.end && MARKER_AT.test(text.slice(k, k + 40));
      if (atEnd || (/\s/.test(text[j]!) && (markerNext || !/[a-z]/.test(next!)))) {
        if (markerNext) {
          i = k;
          // the loop closes the sentence at the marker
          continue;
        }
        close(j);
        i = sentenceStart = k;
        continue;
      }
    }
    i++;
  }
  if (sentenceStart < block.end) close(block.end);
  return found;
}

/** Every keyword sentence of the spec, in order, with its marker if it has one. */
export function keywordSentences(spec: string): Sentence[] {
  const all: Sentence[] = [];
  for (const block of blocksOf(spec)) {
    for (const sentence of sentencesOf(spec, block)) {
      // A key word in code (`MUST`) names the word; it requires nothing.
      const prose = sentence.text.replace(/`[^`]*`/g, "");
      const keywords = [...prose.matchAll(KEYWORD)].map((m) => m[1]!);
      all.push({ ...sentence, keywords });
    }
  }
  return all.filter((s) => s.keywords.length > 0 || s.marker !== undefined);
}

/** The levels of a sentence's key words, strongest first. */
export function levelsOf(keywords: readonly string[]): Level[] {
  const present = new Set(keywords.map((k) => LEVEL_OF[k]!));
  return LEVELS.filter((level) => present.has(level));
}

/** How a requirement is checked; kept by hand in the index, carried over by `gen`. */
export interface Check {
  /**
   * `gateway`: by cases of the gateway suite; `issuer`: by the issuer check;
   * `none`: not testable over HTTP (`reason` says why).
   */
  check: "gateway" | "issuer" | "none";
  reason?: string;
  /** Levels of the sentence that no case can check, each with the reason (the rest are checked). */
  except?: Partial<Record<Level, string>>;
  /**
   * For a MUST of sections 5-10 that no weakened gateway can break from the
   * outside (`test/support/weakened-gateways.ts`): why, and what proves it instead.
   */
  unbreakable?: string;
}

export interface Requirement extends Check {
  id: string;
  section: string;
  levels: Level[];
  sentence: string;
}

export interface RequirementIndex {
  $comment: string;
  source: string;
  requirements: Requirement[];
  /** Ids that were given out once and are never given out again. */
  retired: string[];
}

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** A fresh id for a sentence, from its hash, longer only when the short one is taken. */
function newId(section: string, text: string, taken: (id: string) => boolean): string {
  const digest = createHash("sha256").update(`${section}\n${text}`).digest();
  let bits = "";
  for (const byte of digest) bits += byte.toString(2).padStart(8, "0");
  let chars = "";
  for (let i = 0; i + 5 <= bits.length; i += 5)
    chars += ALPHABET[parseInt(bits.slice(i, i + 5), 2)];
  for (let length = 5; length <= chars.length; length++) {
    const id = `R-${chars.slice(0, length)}`;
    if (!taken(id)) return id;
  }
  throw new Error(`no free id for: ${text}`);
}

const words = (text: string) =>
  new Set(
    text
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, " ")
      .split(" ")
      .filter(Boolean),
  );

/** Jaccard similarity of the words of two sentences. */
function similarity(a: string, b: string): number {
  const x = words(a);
  const y = words(b);
  let shared = 0;
  for (const word of x) if (y.has(word)) shared++;
  return shared / (x.size + y.size - shared || 1);
}

/** How close a reworded sentence must stay to keep its id after its marker was lost. */
const SAME_REQUIREMENT = 0.6;

export interface Synced {
  /** The spec with every marker in place. */
  spec: string;
  index: RequirementIndex;
  /** What changed, one line each, for the person running `gen`. */
  changes: string[];
}

/**
 * Brings the markers of `spec` and the index in line: the work of `npm run gen`.
 *
 * @example
 * const { spec, index, changes } = syncRequirements(readFileSync("spec/oct.md", "utf8"), previous);
 */
export function syncRequirements(spec: string, previous?: RequirementIndex): Synced {
  const sentences = keywordSentences(spec).filter((s) => !DEFINING_SECTIONS.has(s.section));
  const before = new Map((previous?.requirements ?? []).map((r) => [r.id, r]));
  const retired = new Set(previous?.retired ?? []);
  const changes: string[] = [];
  const edits: { at: number; remove: number; insert: string }[] = [];
  const used = new Set<string>();
  const taken = (id: string) => used.has(id) || before.has(id) || retired.has(id);

  // Keep each marker that stands after a keyword sentence, once.
  const unmarked: Sentence[] = [];
  for (const s of sentences) {
    if (s.id && s.keywords.length === 0) {
      changes.push(`§${s.section}: removed ${s.id}, its sentence has no key word: "${s.text}"`);
      edits.push({ at: s.marker!.start, remove: s.marker!.end - s.marker!.start, insert: "" });
      continue;
    }
    if (s.id && used.has(s.id)) {
      changes.push(`§${s.section}: ${s.id} stood twice; this sentence gets its own id`);
      edits.push({ at: s.marker!.start, remove: s.marker!.end - s.marker!.start, insert: "" });
      unmarked.push({ ...s, end: s.marker!.start });
      delete unmarked.at(-1)!.id;
      continue;
    }
    if (s.id) used.add(s.id);
    else unmarked.push(s);
  }

  // A sentence whose marker a merge or an edit dropped takes back its id.
  const orphans = [...before.values()].filter((r) => !used.has(r.id));
  const assigned = new Map<Sentence, string>();
  for (const s of unmarked) {
    const same = orphans.find((r) => r.sentence === s.text && !used.has(r.id));
    if (same) {
      assigned.set(s, same.id);
      used.add(same.id);
    }
  }
  for (const s of unmarked) {
    if (assigned.has(s)) continue;
    let best: { id: string; score: number } | undefined;
    for (const r of orphans) {
      if (used.has(r.id)) continue;
      const score = similarity(r.sentence, s.text);
      if (score >= SAME_REQUIREMENT && score > (best?.score ?? 0)) best = { id: r.id, score };
    }
    if (best) {
      assigned.set(s, best.id);
      used.add(best.id);
      changes.push(
        `§${s.section}: ${best.id} taken back by a reworded sentence (${Math.round(best.score * 100)} % alike): "${s.text}"`,
      );
    }
  }
  for (const s of unmarked) {
    let id = assigned.get(s);
    if (!id) {
      id = newId(s.section, s.text, taken);
      used.add(id);
      changes.push(`§${s.section}: new ${id}: "${s.text}"`);
    }
    s.id = id;
    edits.push({ at: s.end, remove: 0, insert: ` <!-- ${id} -->` });
  }

  let marked = spec;
  for (const edit of edits.sort((a, b) => b.at - a.at)) {
    marked = marked.slice(0, edit.at) + edit.insert + marked.slice(edit.at + edit.remove);
  }

  const requirements: Requirement[] = [];
  for (const s of sentences) {
    if (!s.id || s.keywords.length === 0) continue;
    if (requirements.some((r) => r.id === s.id)) continue;
    const kept = before.get(s.id);
    const check: Check = kept
      ? {
          check: kept.check,
          ...(kept.reason !== undefined ? { reason: kept.reason } : {}),
          ...(kept.except !== undefined ? { except: kept.except } : {}),
          ...(kept.unbreakable !== undefined ? { unbreakable: kept.unbreakable } : {}),
        }
      : { check: "gateway" };
    requirements.push({
      id: s.id,
      section: s.section,
      levels: levelsOf(s.keywords),
      sentence: s.text,
      ...check,
    });
  }
  for (const r of before.values()) {
    if (!used.has(r.id)) {
      retired.add(r.id);
      changes.push(`§${r.section}: retired ${r.id}, its sentence is gone: "${r.sentence}"`);
    }
  }
  return {
    spec: marked,
    index: {
      $comment:
        "Generated by `npm run gen` from the ids written inline in spec/oct.md; only check, reason, except and unbreakable are kept by hand (conformance/README.md, Requirements).",
      source: "spec/oct.md",
      requirements,
      retired: [...retired].sort(),
    },
    changes,
  };
}

/** The problems of a requirement index that no sync can mend: each needs a person. */
export function indexProblems(index: RequirementIndex): string[] {
  const problems: string[] = [];
  for (const r of index.requirements) {
    if (!["gateway", "issuer", "none"].includes(r.check))
      problems.push(`${r.id}: check must be gateway, issuer or none, not ${String(r.check)}`);
    if (r.check === "none" && !r.reason?.trim())
      problems.push(`${r.id}: a requirement no suite checks needs its reason`);
    for (const level of Object.keys(r.except ?? {}) as Level[]) {
      if (!r.levels.includes(level))
        problems.push(`${r.id}: except names ${level}, which its sentence does not use`);
    }
  }
  return problems;
}
