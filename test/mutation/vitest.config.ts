/**
 * @module The one test project mutation testing runs (`npm run test:mutation`):
 * the token-verification vectors against the gateway, on Node.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/mutation/**/*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
