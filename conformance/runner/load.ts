/**
 * @module Loading vector suites, each checked against the vectors' own
 * schema first: a malformed vector file is reported with its file and JSON
 * Pointer, never half-run.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { holderKeys } from "./holder-proofs.ts";
import type { SuiteKey } from "./sign.ts";
import type { RecipeContext } from "./token-recipe.ts";
import type { Suite } from "./types.ts";

export const CONFORMANCE_DIR = new URL("../", import.meta.url).pathname;
export const VECTORS_DIR = join(CONFORMANCE_DIR, "vectors");
/** The suites, in running order. */
export const SUITE_NAMES: readonly string[] = [
  "token-verification",
  "http-api",
  "conversion",
  "redemption",
  "receipts",
  "settlement",
  "key-sets",
  "providers",
  "federation",
  "status-lists",
];
const SUITE_FILES = SUITE_NAMES.map((name) => `${name}.json`);
/** The base URL of the runner's callback server written in `vectors/network.json`. */
export const NETWORK_CALLBACK = "http://127.0.0.1:8799";

export class VectorFileError extends Error {
  override name = "VectorFileError";
}

let validateSuite: ((data: unknown) => boolean) & {
  errors?: { instancePath: string; message?: string }[] | null;
};

function suiteValidator() {
  if (!validateSuite) {
    const schema = JSON.parse(
      readFileSync(join(CONFORMANCE_DIR, "schema/vectors.schema.json"), "utf8"),
    );
    validateSuite = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
  }
  return validateSuite;
}

/** Parses and checks one suite document. */
export function checkSuite(path: string, document: unknown): Suite {
  const validate = suiteValidator();
  if (!validate(document)) {
    const first = validate.errors?.[0];
    throw new VectorFileError(
      `${path}: at "${first?.instancePath ?? ""}": ${first?.message ?? "invalid"}`,
    );
  }
  const suite = document as Suite;
  const seen = new Set<string>();
  suite.cases.forEach((c, i) => {
    if (seen.has(c.id))
      throw new VectorFileError(`${path}: at "/cases/${i}/id": duplicate case id ${c.id}`);
    seen.add(c.id);
  });
  return suite;
}

/** The suites of `conformance/vectors/`, in running order. */
export function loadSuites(dir = VECTORS_DIR, only?: readonly string[]): Suite[] {
  const available = new Set(readdirSync(dir));
  return SUITE_FILES.filter((file) => available.has(file))
    .map((file) => {
      const path = join(dir, file);
      let document: unknown;
      try {
        document = JSON.parse(readFileSync(path, "utf8"));
      } catch (error) {
        throw new VectorFileError(`${path}: not JSON: ${(error as Error).message}`);
      }
      return checkSuite(path, document);
    })
    .filter((suite) => !only || only.includes(suite.suite));
}

/**
 * The suite's test network, its callback URLs (carriers' `jwks_uri` and
 * `status_lists`, webhook `endpoint`s) moved to `callback` when the implementation reaches
 * the runner elsewhere than at {@link NETWORK_CALLBACK}.
 */
export function loadTestNetwork(dir = VECTORS_DIR, callback = NETWORK_CALLBACK): unknown {
  return JSON.parse(atCallback(readFileSync(join(dir, "network.json"), "utf8"), callback));
}

/** `text` with every URL of the runner's callback server moved from {@link NETWORK_CALLBACK} to `callback`. */
export function atCallback(text: string, callback: string): string {
  return text.split(NETWORK_CALLBACK).join(callback.replace(/\/+$/, ""));
}

/** The suite's keys and the issuers of its test network. */
export function loadRecipeContext(dir = VECTORS_DIR): Omit<RecipeContext, "now"> {
  const { keys } = JSON.parse(readFileSync(join(dir, "keys.json"), "utf8")) as {
    keys: Record<string, SuiteKey>;
  };
  const network = JSON.parse(readFileSync(join(dir, "network.json"), "utf8")) as {
    carriers: { id: string; issuer: string; status_lists?: string[] }[];
  };
  const statusListBase = network.carriers.find((c) => c.id === "carrier-a")?.status_lists?.[0];
  return {
    keys,
    holders: holderKeys(),
    issuers: Object.fromEntries(network.carriers.map((c) => [c.id, c.issuer])),
    ...(statusListBase ? { statusListBase } : {}),
  };
}
