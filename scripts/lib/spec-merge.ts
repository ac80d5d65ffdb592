/**
 * @module Merging `spec/oct.md` when two branches edited it: the ids written
 * inline after each keyword sentence make a line conflict whenever one side
 * added an id and the other edited the text. Merged without the ids (base,
 * ours and theirs stripped of them), the texts conflict only where both
 * sides changed the prose; `npm run gen` then puts every id back from the
 * index (the same sentence keeps its id, a reworded one takes back its own).
 * The indexes of both sides are joined, so that no id of either is lost.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { syncRequirements, withoutMarkers, type RequirementIndex } from "./requirements.ts";

const SPEC = "spec/oct.md";
const INDEX = "conformance/requirements.json";

function git(
  dir: string,
  args: string[],
  allowFailure = false,
): { status: number; stdout: string } {
  const result = spawnSync("git", args, { cwd: dir, encoding: "utf8", maxBuffer: 1 << 26 });
  if (result.status !== 0 && !allowFailure)
    throw new Error(`git ${args.join(" ")}: ${result.stderr.trim()}`);
  return { status: result.status ?? 1, stdout: result.stdout };
}

/** A file's text at a stage of the index (1 base, 2 ours, 3 theirs), if that stage exists. */
function stage(dir: string, n: 1 | 2 | 3, path: string): string | undefined {
  const shown = git(dir, ["show", `:${n}:${path}`], true);
  return shown.status === 0 ? shown.stdout : undefined;
}

const unmerged = (dir: string, path: string) =>
  git(dir, ["ls-files", "--unmerged", "--", path]).stdout.trim() !== "";

/** Both sides' indexes as one: every requirement either has, every id either retired. */
export function joinIndexes(ours: RequirementIndex, theirs: RequirementIndex): RequirementIndex {
  const ids = new Set(ours.requirements.map((r) => r.id));
  return {
    ...ours,
    requirements: [...ours.requirements, ...theirs.requirements.filter((r) => !ids.has(r.id))],
    retired: [...new Set([...ours.retired, ...theirs.retired])].sort(),
  };
}

export interface SpecMerge {
  /** Conflicts left in the prose, which a person resolves before `npm run gen`. */
  conflicts: number;
  /** What the ids' sync did, when the prose merged cleanly. */
  changes: string[];
}

/**
 * Resolves a merge in progress in `dir` for the spec and the index: writes
 * the spec merged without ids (with its ids back when no prose conflicts)
 * and the joined index.
 */
export function mergeSpec(dir: string): SpecMerge {
  if (!unmerged(dir, SPEC) && !unmerged(dir, INDEX))
    throw new Error(`neither ${SPEC} nor ${INDEX} has a merge conflict to resolve`);
  const read = (path: string, n: 1 | 2 | 3) => stage(dir, n, path);
  let index: RequirementIndex | undefined;
  if (unmerged(dir, INDEX)) {
    const [ours, theirs] = [read(INDEX, 2), read(INDEX, 3)].map((t) =>
      t === undefined ? undefined : (JSON.parse(t) as RequirementIndex),
    );
    index = ours && theirs ? joinIndexes(ours, theirs) : (ours ?? theirs);
    writeFileSync(join(dir, INDEX), `${JSON.stringify(index, null, 2)}\n`);
  } else if (existsSync(join(dir, INDEX))) {
    index = JSON.parse(readFileSync(join(dir, INDEX), "utf8")) as RequirementIndex;
  }
  let merged: string;
  let conflicts = 0;
  if (unmerged(dir, SPEC)) {
    const temp = mkdtempSync(join(tmpdir(), "oct-spec-merge-"));
    const files = (["base", "ours", "theirs"] as const).map((name, i) => {
      const path = join(temp, name);
      writeFileSync(path, withoutMarkers(read(SPEC, (i + 1) as 1 | 2 | 3) ?? ""));
      return path;
    });
    const result = git(
      dir,
      [
        "merge-file",
        "-p",
        "-L",
        "ours",
        "-L",
        "base",
        "-L",
        "theirs",
        files[1]!,
        files[0]!,
        files[2]!,
      ],
      true,
    );
    merged = result.stdout;
    conflicts = result.status;
  } else {
    merged = git(dir, ["show", `:0:${SPEC}`]).stdout;
  }
  if (conflicts > 0) {
    writeFileSync(join(dir, SPEC), merged);
    return { conflicts, changes: [] };
  }
  const synced = syncRequirements(merged, index);
  writeFileSync(join(dir, SPEC), synced.spec);
  writeFileSync(join(dir, INDEX), `${JSON.stringify(synced.index, null, 2)}\n`);
  return { conflicts: 0, changes: synced.changes };
}
