/**
 * @module Two test projects: `node` (core, gateway, adapters, contract and
 * end-to-end tests on Node.js) and `workerd` (the same code inside the
 * Workers runtime, through @cloudflare/vitest-plugin).
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { cloudflareTest } from "@cloudflare/vitest-plugin";

/** The package's own entries, as the examples import them, from the sources (not dist/). */
const PACKAGE_ENTRIES = [
  {
    find: /^open-compute-token\/(hono|client|conformance)$/,
    replacement: fileURLToPath(new URL("./src/exports/$1.ts", import.meta.url)),
  },
  {
    find: /^open-compute-token$/,
    replacement: fileURLToPath(new URL("./src/exports/index.ts", import.meta.url)),
  },
];

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias: PACKAGE_ENTRIES },
        test: {
          name: "node",
          include: ["src/**/*.test.ts", "test/node/**/*.test.ts", "conformance/**/*.test.ts"],
          environment: "node",
          // node:sqlite announces itself as experimental in every worker;
          // the suite is about OCT, not about that.
          execArgv: ["--disable-warning=ExperimentalWarning"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
        test: {
          name: "workerd",
          include: ["test/workerd/**/*.test.ts"],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
