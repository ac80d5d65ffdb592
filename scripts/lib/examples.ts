/**
 * @module Checks `spec/examples/*.examples.json`: every valid instance
 * validates, every invalid one fails, and fails at the instance location its
 * label names. Problems are reported with the file and the JSON Pointer of
 * the example inside it. Pure: runs in Node and inside workerd alike.
 */

/** `token-claims` -> `TokenClaims`. */
export function pascalCase(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

/** The export name of a schema's generated validator: `token-claims.schema.json` -> `validateTokenClaims`. */
export function validatorName(schemaFile: string): string {
  return `validate${pascalCase(schemaFile.replace(/\.schema\.json$/, ""))}`;
}

/** JSON Pointer (RFC 6901) of a path. */
export function pointerOf(segments: readonly (string | number)[]): string {
  return segments.map((s) => "/" + String(s).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

export interface ValidationErrorLike {
  instancePath: string;
  message?: string;
}
export type ValidateFn = ((data: unknown) => boolean) & { errors?: ValidationErrorLike[] | null };

export interface ExampleCase {
  title: string;
  reason?: string;
  pointer?: string;
  instance: unknown;
}
export interface ExamplesFile {
  schema: string;
  valid: ExampleCase[];
  invalid: ExampleCase[];
}

/** Checks one examples document; returns human-readable problems (empty when all hold). */
export function checkExamples(
  path: string,
  document: unknown,
  validatorFor: (schemaFile: string) => ValidateFn | undefined,
): string[] {
  const problems: string[] = [];
  const doc = document as Partial<ExamplesFile>;
  if (typeof doc !== "object" || doc === null || typeof doc.schema !== "string") {
    return [`${path}: at "/schema": an examples file names its schema file`];
  }
  const validate = validatorFor(doc.schema);
  if (!validate) return [`${path}: at "/schema": no schema named ${JSON.stringify(doc.schema)}`];
  for (const expectation of ["valid", "invalid"] as const) {
    const cases = doc[expectation];
    if (!Array.isArray(cases)) {
      problems.push(`${path}: at "/${expectation}": must be an array of examples`);
      continue;
    }
    cases.forEach((example, index) => {
      const at = pointerOf([expectation, index]);
      const label = `${path}: at "${at}" (${JSON.stringify(example?.title ?? "untitled")})`;
      if (typeof example?.title !== "string" || !("instance" in (example ?? {}))) {
        problems.push(`${label}: an example needs a "title" and an "instance"`);
        return;
      }
      const ok = validate(example.instance);
      const errors = validate.errors ?? [];
      if (expectation === "valid" && !ok) {
        const why = errors.map((e) => `${e.instancePath || "(root)"} ${e.message}`).join("; ");
        problems.push(`${label}: labelled valid but fails: ${why}`);
      }
      if (expectation === "invalid") {
        if (typeof example.reason !== "string" || typeof example.pointer !== "string") {
          problems.push(`${label}: an invalid example needs a "reason" and a "pointer"`);
        } else if (ok) {
          problems.push(`${label}: labelled invalid (${example.reason}) but validates`);
        } else if (!errors.some((e) => e.instancePath === example.pointer)) {
          const seen = [...new Set(errors.map((e) => JSON.stringify(e.instancePath)))].join(", ");
          problems.push(
            `${label}: fails, but not at the labelled location ${JSON.stringify(example.pointer)} (failed at ${seen})`,
          );
        }
      }
    });
  }
  return problems;
}
