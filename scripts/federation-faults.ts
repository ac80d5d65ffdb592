/**
 * @module The long sweep of the federation fault-injection test
 * (`test/node/e2e/federation-faults.test.ts`): the same test as in `npm
 * test`, over many seeds. `npm run test:federation-faults -- --seeds 200
 * [--first 1]`; each seed that fails is named with the command that
 * replays it. About 30 to 60 seconds a seed on two cores.
 */
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    seeds: { type: "string", default: "20" },
    first: { type: "string", default: "1" },
  },
});
const count = Number(values.seeds);
const first = Number(values.first);
if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(first)) {
  console.error("usage: npm run test:federation-faults -- [--seeds N] [--first SEED]");
  process.exit(2);
}
const result = spawnSync(
  "npx",
  // Each seed is one test of the file, one after the other.
  ["vitest", "run", "--project", "node", "test/node/e2e/federation-faults.test.ts"],
  {
    stdio: "inherit",
    env: {
      ...process.env,
      OCT_FEDERATION_SEEDS: String(count),
      OCT_FEDERATION_FIRST_SEED: String(first),
    },
  },
);
process.exit(result.status ?? 1);
