import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isTooOld, MINIMUM_NODE, tooOldMessage } from "./node-version.ts";

describe("the Node.js version check", () => {
  it("says what package.json's engines says", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(pkg.engines.node).toBe(`>=${MINIMUM_NODE.replace(/\.0$/, "")}`);
  });

  it("compares versions part by part", () => {
    expect(isTooOld("20.20.2")).toBe(true);
    expect(isTooOld("22.11.9")).toBe(true);
    expect(isTooOld("22.12.0")).toBe(false);
    expect(isTooOld("22.23.3")).toBe(false);
    expect(isTooOld("24.0.0")).toBe(false);
    expect(isTooOld("v23.0.0-nightly")).toBe(false);
    expect(isTooOld("22.17.1", "22.18.0")).toBe(true);
  });

  it("refuses in one line", () => {
    expect(tooOldMessage("v20.20.2")).toBe(
      `Node.js ${MINIMUM_NODE} or later is needed; this is Node.js 20.20.2 (https://nodejs.org)`,
    );
  });
});
