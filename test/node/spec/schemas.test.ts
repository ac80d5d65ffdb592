import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as generated from "../../../src/generated/validators.js";
import { checkExamples, validatorName } from "../../../scripts/lib/examples.ts";
import {
  checkAllExamples,
  loadSchemaFiles,
  readJsonFile,
  SPEC_DIR,
  strictAjv,
} from "../../../scripts/lib/spec-files.ts";

const files = loadSchemaFiles();
const ajv = strictAjv(files);
const byFile = new Map(files.map((f) => [f.file, f]));

function runtimeValidator(schemaFile: string) {
  const file = byFile.get(schemaFile);
  return file ? ajv.getSchema(String(file.schema.$id)) : undefined;
}
function generatedValidator(schemaFile: string) {
  return (generated as Record<string, unknown>)[validatorName(schemaFile)] as never;
}

describe("spec/schemas", () => {
  it("holds every schema the design names, each compiled in ajv strict mode", () => {
    const names = files.map((f) => f.name);
    for (const name of [
      "common",
      "jose-header",
      "token-claims",
      "units",
      "network-config",
      "jwks",
      "verify-request",
      "verify-response",
      "quote-request",
      "quote",
      "redemption-request",
      "redemption",
      "capture-request",
      "void-request",
      "balance-request",
      "balance",
      "settlement-report",
      "gateway-metadata",
      "receipt-header",
      "receipt-claims",
      "problem",
      "payment-challenge",
    ]) {
      expect(names).toContain(name);
      expect(typeof runtimeValidator(`${name}.schema.json`)).toBe("function");
    }
  });

  it("units.json validates against units.schema.json", () => {
    const validate = runtimeValidator("units.schema.json")!;
    const ok = validate(readJsonFile(join(SPEC_DIR, "units.json")));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });
});

describe("spec/examples", () => {
  it("every example validates or fails exactly as labelled (runtime ajv)", () => {
    const { files: exampleFiles, problems } = checkAllExamples(runtimeValidator);
    expect(problems).toEqual([]);
    // every schema but the shared definitions has examples
    expect(exampleFiles.length).toBe(files.length - 1);
  });

  it("every example validates or fails exactly as labelled (generated standalone validators)", () => {
    expect(checkAllExamples(generatedValidator).problems).toEqual([]);
  });
});

describe("tooling messages", () => {
  it("a mislabelled example is reported with its file and JSON Pointer", () => {
    const problems = checkExamples(
      "spec/examples/token-claims.examples.json",
      {
        schema: "token-claims.schema.json",
        valid: [{ title: "no claims at all", instance: {} }],
        invalid: [],
      },
      runtimeValidator,
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('spec/examples/token-claims.examples.json: at "/valid/0"');
  });

  it("an invalid example failing elsewhere than labelled is reported", () => {
    const problems = checkExamples(
      "x.examples.json",
      {
        schema: "jose-header.schema.json",
        valid: [],
        invalid: [
          {
            title: "t",
            reason: "r",
            pointer: "/alg",
            instance: { alg: "EdDSA", typ: "JWT", kid: "k" },
          },
        ],
      },
      runtimeValidator,
    );
    expect(problems).toEqual([
      'x.examples.json: at "/invalid/0" ("t"): fails, but not at the labelled location "/alg" (failed at "/typ")',
    ]);
  });

  it("a broken schema is reported with its file and JSON Pointer", () => {
    const dir = mkdtempSync(join(tmpdir(), "oct-schemas-"));
    writeFileSync(
      join(dir, "broken.schema.json"),
      JSON.stringify({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        $id: "https://opencomputetoken.org/schemas/0.1/broken.schema.json",
        title: "Broken",
        type: "object",
        properties: { amount: { type: "string", minLength: "one" } },
      }),
    );
    expect(() => strictAjv(loadSchemaFiles(dir))).toThrow(
      'spec/schemas/broken.schema.json: at "/properties/amount/minLength"',
    );
  });

  it("an unknown keyword is refused in strict mode, with its location", () => {
    const dir = mkdtempSync(join(tmpdir(), "oct-schemas-"));
    writeFileSync(
      join(dir, "odd.schema.json"),
      JSON.stringify({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        $id: "https://opencomputetoken.org/schemas/0.1/odd.schema.json",
        title: "Odd",
        type: "object",
        properties: { kid: { type: "string", maxChars: 3 } },
      }),
    );
    expect(() => strictAjv(loadSchemaFiles(dir))).toThrow(
      /odd\.schema\.json: at "\/properties\/kid\/maxChars": .*unknown keyword/,
    );
  });

  it("a schema whose $id does not match its file name is refused", () => {
    const dir = mkdtempSync(join(tmpdir(), "oct-schemas-"));
    writeFileSync(
      join(dir, "a.schema.json"),
      JSON.stringify({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        $id: "https://opencomputetoken.org/schemas/0.1/b.schema.json",
        title: "A",
      }),
    );
    expect(() => loadSchemaFiles(dir)).toThrow('spec/schemas/a.schema.json: at "/$id"');
  });
});
