/**
 * @module Records the answers of the API reference's examples
 * (`scripts/lib/api-examples.json`): runs every example request against the
 * demo gateway (`config/demo/network.json`, in-memory ledger) with its clock
 * at the file's `clock`, and writes each answer back. Run it after changing
 * a request or the gateway's answers, then `npm run gen`.
 *
 *   node scripts/capture-api-examples.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as prettier from "prettier";
import { API_EXAMPLES, runExamples } from "./lib/api-examples.ts";
import { demoExamplesGateway } from "./lib/demo-gateway.ts";

const FILE = new URL("./lib/api-examples.json", import.meta.url);

async function main(): Promise<void> {
  const gateway = demoExamplesGateway(Date.parse(API_EXAMPLES.clock));
  try {
    const answers = await runExamples(API_EXAMPLES, gateway.request);
    const file = JSON.parse(readFileSync(FILE, "utf8")) as typeof API_EXAMPLES;
    for (const example of file.examples) {
      const answer = answers.get(example.name)!;
      const documented = Object.keys(example.response.headers ?? {});
      example.response = {
        status: answer.status,
        ...(documented.length > 0
          ? { headers: Object.fromEntries(documented.map((h) => [h, answer.headers[h]!])) }
          : {}),
        body: answer.body,
      };
    }
    const text = JSON.stringify(file, null, 2);
    // Written as the formatter would, so format:check stays green.
    writeFileSync(FILE, await prettier.format(text, { filepath: FILE.pathname }));
    console.log(`captured ${answers.size} answers into scripts/lib/api-examples.json`);
  } finally {
    gateway.close();
  }
}

await main();
