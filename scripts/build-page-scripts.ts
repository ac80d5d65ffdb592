/**
 * @module Writes the browser code of the gateway's pages
 * (`src/gateway/pages/assets/offline-inspect.js`) from its sources; a test
 * fails while it is stale. Run after changing the verification code or the
 * page's browser sources.
 *
 *   node scripts/build-page-scripts.ts
 */
import { writeFileSync } from "node:fs";
import { bundleOfflineInspect, OUT, scriptModule } from "./lib/page-scripts.ts";

const script = await bundleOfflineInspect();
writeFileSync(OUT, await scriptModule("OFFLINE_INSPECT_BUNDLE", script));
console.log(`wrote ${OUT}: ${script.length} characters`);
