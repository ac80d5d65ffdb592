/**
 * @module Records the answers of the API reference's examples
 * (`scripts/lib/api-examples.json`): runs every example request against the
 * demo gateway (`config/demo/network.json`, in-memory ledger) with its clock
 * at the file's `clock`, and writes each answer back. The client assertions
 * the requests send are made afresh first, at that clock, with the demo
 * parties' keys. Run it after changing a request or the gateway's answers,
 * then `npm run gen`.
 *
 *   node scripts/capture-api-examples.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as prettier from "prettier";
import { makeClientAssertion } from "../src/core/party/make-assertion.ts";
import type { PrivateJwk } from "../src/core/signing/keys.ts";
import { runExamples, type ApiExamples } from "./lib/api-examples.ts";
import { demoExamplesGateway } from "./lib/demo-gateway.ts";
import demoNetwork from "../config/demo/network.json" with { type: "json" };

const FILE = new URL("./lib/api-examples.json", import.meta.url);

/** Each assertion of the file made anew at its clock: one request each, as a gateway allows. */
async function remakeAssertions(file: ApiExamples): Promise<void> {
  const now = Math.floor(Date.parse(file.clock) / 1000);
  for (const assertion of Object.values(file.assertions)) {
    const keyFile = new URL(
      `../config/demo/keys/${assertion.key}.private.jwk.json`,
      import.meta.url,
    );
    const key = JSON.parse(readFileSync(keyFile, "utf8")) as PrivateJwk;
    assertion.jws = await makeClientAssertion({
      party: assertion.party,
      gateway: demoNetwork.gateway.id,
      key,
      now,
      lifetimeSeconds: 300,
    });
  }
}

async function main(): Promise<void> {
  const file = JSON.parse(readFileSync(FILE, "utf8")) as ApiExamples;
  await remakeAssertions(file);
  const gateway = demoExamplesGateway(Date.parse(file.clock));
  try {
    const answers = await runExamples(file, gateway.request);
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
