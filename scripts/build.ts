/**
 * @module `npm run build`: the npm package in `dist/`. tsc compiles the
 * package's entry points (tsconfig.build.json) file for file, rewriting
 * `.ts` imports to `.js`, with declarations beside; then the files the
 * compiled code reads or imports that tsc does not emit are copied to the
 * same relative places, so every `import.meta.url`-relative path holds in
 * `dist/` as it does in the repository.
 */
import { spawnSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const ROOT = new URL("../", import.meta.url).pathname;
const DIST = join(ROOT, "dist");

/** Files the compiled code needs that are not TypeScript sources. */
const ASSETS = [
  // Standalone validators, generated as JavaScript with their declarations.
  "src/generated/validators.js",
  "src/generated/validators.d.ts",
  "conformance/runner/generated/schemas.js",
  "conformance/runner/generated/schemas.d.ts",
  // What the conformance runner loads from beside itself (runner/load.ts).
  "conformance/vectors",
  "conformance/schema",
  "conformance/requirements.json",
];

rmSync(DIST, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const compiled = spawnSync(process.execPath, [tsc, "-p", join(ROOT, "tsconfig.build.json")], {
  stdio: "inherit",
});
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
for (const asset of ASSETS) cpSync(join(ROOT, asset), join(DIST, asset), { recursive: true });
