/**
 * @module Vendors the renderer of `GET /docs`: Scalar's standalone bundle
 * (`@scalar/api-reference`, MIT, `dist/browser/standalone.js`), fetched with
 * `npm pack` at a pinned version and written gzip'd, as a JavaScript module,
 * into `src/gateway/pages/assets/api-reference.js`. Gateways run offline, so
 * the page never loads it from a CDN; one module serves both runtimes (Node
 * and Workers, where it adds about 1.5 MB to the gzip'd script) without a
 * file system or an assets binding, and a clone needs no build step.
 *
 *   node scripts/vendor-api-reference.ts            the pinned version
 *   node scripts/vendor-api-reference.ts 1.77.0     another version (then re-run the page tests)
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import * as prettier from "prettier";

const PACKAGE = "@scalar/api-reference";
const PINNED = "1.76.0";
const FILE = "dist/browser/standalone.js";
const OUT = new URL("../src/gateway/pages/assets/api-reference.js", import.meta.url).pathname;

async function main(): Promise<void> {
  const version = process.argv[2] ?? PINNED;
  const dir = mkdtempSync(join(tmpdir(), "oct-vendor-"));
  try {
    const packed = JSON.parse(
      execFileSync("npm", ["pack", `${PACKAGE}@${version}`, "--json", "--pack-destination", dir], {
        encoding: "utf8",
      }),
    ) as { filename: string; integrity: string; version: string }[];
    const tarball = packed[0]!;
    execFileSync("tar", ["-xzf", join(dir, tarball.filename), "-C", dir, `package/${FILE}`]);
    const source = readFileSync(join(dir, "package", FILE));
    const gzip = gzipSync(source, { level: 9 });
    const meta = {
      package: PACKAGE,
      version: tarball.version,
      file: FILE,
      license: "MIT",
      integrity: tarball.integrity,
      sha256: createHash("sha256").update(source).digest("base64url"),
      bytes: source.length,
    };
    const members = Object.entries({ ...meta, gzipBase64: gzip.toString("base64") });
    const module =
      `// Vendored by scripts/vendor-api-reference.ts from ${PACKAGE}@${meta.version} (${meta.license}), ${FILE}. Do not edit: run the script.\n` +
      `export const API_REFERENCE_BUNDLE = {${members.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(", ")}};\n`;
    // Formatted as the repository is, so `npm run format:check` passes untouched.
    const options = (await prettier.resolveConfig(OUT)) ?? {};
    writeFileSync(OUT, await prettier.format(module, { ...options, filepath: OUT }));
    console.log(
      `vendored ${PACKAGE}@${meta.version}: ${source.length} bytes, ${gzip.length} gzip'd -> ${OUT}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
