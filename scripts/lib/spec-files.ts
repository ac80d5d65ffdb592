/**
 * @module Loads the schemas of `spec/` and reports problems in them with the
 * file and the JSON Pointer at fault, so a broken schema is found at once.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject } from "ajv";
import { checkExamples, pointerOf, type ValidateFn } from "./examples.ts";
export { pascalCase } from "./examples.ts";

export const SPEC_DIR = new URL("../../spec/", import.meta.url).pathname;
export const SCHEMA_DIR = join(SPEC_DIR, "schemas");
export const SCHEMA_BASE_URI = "https://opencomputetoken.org/schemas/0.1/";

export interface SchemaFile {
  /** File name, e.g. `token-claims.schema.json`. */
  file: string;
  /** Name without the suffix, e.g. `token-claims`. */
  name: string;
  /** Path relative to the repository root, for messages. */
  path: string;
  schema: Record<string, unknown>;
}

/** A problem in a spec file, located by file and JSON Pointer. */
export class SpecFileError extends Error {
  readonly path: string;
  readonly pointer: string;

  constructor(path: string, pointer: string, message: string) {
    super(`${path}: at "${pointer}": ${message}`);
    this.name = "SpecFileError";
    this.path = path;
    this.pointer = pointer;
  }
}

/** Parses a JSON file, naming the file and the position when it is not JSON. */
export function readJsonFile(path: string, displayPath = path): unknown {
  const text = readFileSync(path, "utf8");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SpecFileError(displayPath, "", `not valid JSON: ${(error as Error).message}`);
  }
}

export function loadSchemaFiles(dir = SCHEMA_DIR): SchemaFile[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".schema.json"))
    .sort()
    .map((file) => {
      const path = `spec/schemas/${file}`;
      const schema = readJsonFile(join(dir, file), path);
      if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
        throw new SpecFileError(path, "", "a schema must be a JSON object");
      }
      const name = file.slice(0, -".schema.json".length);
      const expectedId = SCHEMA_BASE_URI + file;
      const record = schema as Record<string, unknown>;
      if (record.$id !== expectedId) {
        throw new SpecFileError(path, "/$id", `must be "${expectedId}"`);
      }
      if (record.$schema !== "https://json-schema.org/draft/2020-12/schema") {
        throw new SpecFileError(path, "/$schema", "must be the draft 2020-12 meta-schema URI");
      }
      if (typeof record.title !== "string" || record.title.length === 0) {
        throw new SpecFileError(path, "/title", "every schema needs a title");
      }
      return { file, name, path, schema: record };
    });
}

function describe(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => `${e.instancePath || "(root)"} ${e.message ?? e.keyword}`)
    .join("; ");
}

/**
 * An Ajv instance in strict mode holding every schema, after checking each
 * against the 2020-12 meta-schema. Throws {@link SpecFileError} naming the
 * file and pointer of the first problem.
 */
export function strictAjv(
  files: readonly SchemaFile[],
  options: { source?: boolean } = {},
): Ajv2020 {
  const ajv = new Ajv2020({
    strict: true,
    allErrors: true,
    allowUnionTypes: false,
    code: options.source ? { source: true, esm: true } : {},
  });
  for (const file of files) {
    if (!ajv.validateSchema(file.schema)) {
      const first = ajv.errors?.[0];
      throw new SpecFileError(
        file.path,
        first?.instancePath ?? "",
        `not a valid draft 2020-12 schema: ${describe(ajv.errors)}`,
      );
    }
    ajv.addSchema(file.schema);
  }
  for (const file of files) {
    try {
      ajv.getSchema(String(file.schema.$id));
    } catch (error) {
      throw new SpecFileError(
        file.path,
        locateStrictProblem(file.schema, error),
        (error as Error).message,
      );
    }
  }
  return ajv;
}

/**
 * Ajv's strict-mode messages name the keyword but not where it is: find the
 * first place in the schema that holds the keyword or the reference named.
 */
function locateStrictProblem(schema: unknown, error: unknown): string {
  const message = (error as Error).message;
  const quoted = /"([^"]+)"/.exec(message)?.[1] ?? /keyword:? (\S+)/.exec(message)?.[1];
  if (!quoted) return "";
  const found: (string | number)[][] = [];
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (found.length > 0 || node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      node.forEach((child, i) => walk(child, [...path, i]));
      return;
    }
    for (const [key, child] of Object.entries(node)) {
      if (key === quoted || child === quoted) {
        found.push([...path, key]);
        return;
      }
      walk(child, [...path, key]);
    }
  };
  walk(schema, []);
  return found.length > 0 ? pointerOf(found[0]!) : "";
}

export const EXAMPLES_DIR = join(SPEC_DIR, "examples");

/** Loads and checks every examples file of `spec/examples/`. */
export function checkAllExamples(validatorFor: (schemaFile: string) => ValidateFn | undefined): {
  files: string[];
  problems: string[];
} {
  const files = readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith(".examples.json"))
    .sort();
  const problems = files.flatMap((file) => {
    const path = `spec/examples/${file}`;
    return checkExamples(path, readJsonFile(join(EXAMPLES_DIR, file), path), validatorFor);
  });
  return { files, problems };
}
