/**
 * @module The oldest Node.js the `oct` command and the package run on, and
 * the one line that says so on an older one (no stack trace).
 */

/**
 * Node.js 22.12: the oldest maintained line that loads this ESM-only package
 * from CommonJS (`require(esm)` without a flag); Node.js 20 is end-of-life.
 * package.json's `engines` says the same (a test holds them together).
 */
export const MINIMUM_NODE = "22.12.0";

function parts(version: string): number[] {
  return version
    .replace(/^v/, "")
    .split(/[.-]/)
    .slice(0, 3)
    .map((part) => Number.parseInt(part, 10) || 0);
}

/** Whether `version` (e.g. "20.20.2") is older than `minimum`. */
export function isTooOld(version: string, minimum = MINIMUM_NODE): boolean {
  const have = parts(version);
  const need = parts(minimum);
  for (let i = 0; i < need.length; i++) {
    if (have[i]! !== need[i]!) return have[i]! < need[i]!;
  }
  return false;
}

/** The refusal, one line, for a Node.js that is too old. */
export function tooOldMessage(version: string): string {
  return `Node.js ${MINIMUM_NODE} or later is needed; this is Node.js ${version.replace(/^v/, "")} (https://nodejs.org)`;
}
