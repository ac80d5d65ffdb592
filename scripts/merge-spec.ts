/**
 * @module `node scripts/merge-spec.ts`: during a merge that conflicts in
 * `spec/oct.md` or `conformance/requirements.json`, merges the spec's prose
 * without its requirement ids and joins the two indexes, then puts the ids
 * back (`scripts/lib/spec-merge.ts`). Afterwards run `npm run gen` and
 * `git add spec/oct.md conformance/requirements.json`.
 */
import { mergeSpec } from "./lib/spec-merge.ts";

try {
  const { conflicts, changes } = mergeSpec(process.cwd());
  for (const change of changes) console.log(`merge-spec: ${change}`);
  if (conflicts > 0) {
    console.error(
      `merge-spec: ${conflicts} conflict(s) left in the prose of spec/oct.md (written without ids): resolve them, then run npm run gen`,
    );
    process.exit(1);
  }
  console.log("merge-spec: spec/oct.md merged and its ids put back; now run npm run gen");
} catch (error) {
  console.error(`merge-spec: ${(error as Error).message}`);
  process.exit(2);
}
