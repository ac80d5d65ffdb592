/**
 * @module Comparing what an implementation answered with what a case
 * expects: expected JSON is a subset of the answer, headers match patterns,
 * bodies validate against the spec's own schemas (compiled for the runner
 * into `generated/schemas.js` by `npm run gen`).
 */
import type { Answer } from "./client.ts";
import * as schemas from "./generated/schemas.js";

/** A case that did not hold, with a one-sentence reason. */
export class CaseFailure extends Error {
  override name = "CaseFailure";
  readonly received: unknown;

  constructor(message: string, received?: unknown) {
    super(message);
    this.received = received;
  }
}

/**
 * Where `actual` differs from the `expected` subset, as a path and reason;
 * `undefined` when it holds. An empty expected array means "empty"; a
 * non-empty one means "each of these is somewhere in the answer".
 */
export function subsetMismatch(expected: unknown, actual: unknown, path = ""): string | undefined {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path || "/"}: expected an array`;
    if (expected.length === 0)
      return actual.length === 0 ? undefined : `${path || "/"}: expected an empty array`;
    for (const [i, item] of expected.entries()) {
      if (!actual.some((candidate) => subsetMismatch(item, candidate) === undefined)) {
        return `${path}/${i}: no element matches ${JSON.stringify(item)}`;
      }
    }
    return undefined;
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual))
      return `${path || "/"}: expected an object`;
    for (const [key, value] of Object.entries(expected)) {
      const mismatch = subsetMismatch(
        value,
        (actual as Record<string, unknown>)[key],
        `${path}/${key}`,
      );
      if (mismatch) return mismatch;
    }
    return undefined;
  }
  return Object.is(expected, actual)
    ? undefined
    : `${path || "/"}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

/** `token-claims.schema.json` → `validateTokenClaims`, as scripts/gen.ts names them. */
const validatorOf = (schemaFile: string) =>
  (schemas as Record<string, schemas.Validator>)[
    `validate${schemaFile.replace(/\.schema\.json$/, "").replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase())}`
  ];

/** Validates a body against a schema of spec/schemas; the failing pointer, or `undefined`. */
export function schemaMismatch(schemaFile: string, value: unknown): string | undefined {
  const validate = validatorOf(schemaFile);
  if (!validate) return `no schema ${schemaFile} in spec/schemas`;
  if (validate(value)) return undefined;
  const first = validate.errors?.[0];
  return `${schemaFile}: ${first?.instancePath || "(root)"} ${first?.message ?? "is invalid"}`;
}

export interface Expectation {
  status?: number;
  code?: string;
  json?: unknown;
  schema?: string;
  headers?: Record<string, string>;
  text?: string;
  /** Members the JSON answer must not have (a balance shown to no one, §6.6). */
  absent?: string[];
  /** `expires_at` is this many seconds after the answer's Date header (within 2 s). */
  expiresIn?: number;
}

/** The tolerance of {@link Expectation.expiresIn}: a Date header has whole seconds. */
const EXPIRY_TOLERANCE_SECONDS = 2;

/** Checks an HTTP answer against an expectation; throws {@link CaseFailure}. */
export function expectAnswer(answer: Answer, expected: Expectation): void {
  const received = { status: answer.status, body: answer.json ?? answer.text };
  if (expected.status !== undefined && answer.status !== expected.status) {
    const code = (answer.json as { code?: string } | undefined)?.code;
    throw new CaseFailure(
      `expected HTTP ${expected.status}, got ${answer.status}${code ? ` (${code})` : ""}`,
      received,
    );
  }
  if (expected.code !== undefined) {
    const problem = answer.json as { code?: unknown; type?: unknown } | undefined;
    if (problem?.code !== expected.code) {
      throw new CaseFailure(
        `expected the problem code ${expected.code}, got ${JSON.stringify(problem?.code)}`,
        received,
      );
    }
    if (problem.type !== `urn:oct:error:${expected.code}`) {
      throw new CaseFailure(`the problem type must be urn:oct:error:${expected.code}`, received);
    }
    const type = answer.headers.get("content-type") ?? "";
    if (!type.startsWith("application/problem+json")) {
      throw new CaseFailure(`a problem must be application/problem+json, not ${type}`, received);
    }
  }
  for (const [name, pattern] of Object.entries(expected.headers ?? {})) {
    const value = answer.headers.get(name);
    if (value === null || !new RegExp(pattern).test(value)) {
      throw new CaseFailure(
        `header ${name}: expected /${pattern}/, got ${JSON.stringify(value)}`,
        received,
      );
    }
  }
  if (expected.text !== undefined && !new RegExp(expected.text).test(answer.text)) {
    throw new CaseFailure(`the body does not match /${expected.text}/`, received);
  }
  if (expected.schema !== undefined) {
    const mismatch = schemaMismatch(expected.schema, answer.json);
    if (mismatch) throw new CaseFailure(`the answer does not validate: ${mismatch}`, received);
  }
  if (expected.json !== undefined) {
    const mismatch = subsetMismatch(expected.json, answer.json);
    if (mismatch) throw new CaseFailure(`the answer differs at ${mismatch}`, received);
  }
  for (const member of expected.absent ?? []) {
    if (typeof answer.json === "object" && answer.json !== null && member in answer.json)
      throw new CaseFailure(`the answer must not have ${member}`, received);
  }
  if (expected.expiresIn !== undefined) {
    // Judged against the gateway's own clock, its Date header; without one
    // (HTTP requires it only of a server with a clock), against the runner's.
    const date = Date.parse(answer.headers.get("date") ?? "") || answer.receivedAt;
    const expires = Date.parse(String((answer.json as { expires_at?: unknown }).expires_at));
    const seconds = Math.round((expires - date) / 100) / 10;
    if (!(Math.abs(seconds - expected.expiresIn) <= EXPIRY_TOLERANCE_SECONDS))
      throw new CaseFailure(
        `expires_at is ${Number.isNaN(seconds) ? "not comparable with the Date header" : `${seconds} s after the answer's Date`}, expected ${expected.expiresIn} s`,
        received,
      );
  }
}
