/**
 * @module The API reference's examples (`api-examples.json`): real requests
 * to the demo gateway (`config/demo/`) at a fixed time, and the answers it
 * gave. `scripts/capture-api-examples.ts` records the answers; a test
 * replays every request and checks that the answer still has the documented
 * status, headers and shape, so the reference never shows an answer the
 * gateway does not give. Pure: runs wherever a `fetch`-like function does.
 */
import examplesFile from "./api-examples.json" with { type: "json" };

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ExampleRequest {
  method: string;
  /** The path and query. */
  path: string;
  /** The example whose answer's `id` replaces `{id}` in the path and the body. */
  idFrom?: string;
  /** Header fields; `$assertion:<name>` in a value stands for that client assertion. */
  headers?: Record<string, string>;
  /** A JSON body, its tokens written `$token:<name>`. */
  json?: Json;
  /** A body that is not JSON (or not sent as JSON), with its own content type in `headers`. */
  raw?: string;
}

export interface ExampleResponse {
  status: number;
  /** The header fields worth documenting (lower-case names). */
  headers?: Record<string, string>;
  /** The JSON body, or the text body for a non-JSON media type. */
  body: Json;
}

export interface ApiExample {
  /** `METHOD path` of the operation, as in the table of spec §7.1. */
  operation: string;
  /** Unique across the file: the example's key in the OpenAPI document. */
  name: string;
  summary: string;
  request: ExampleRequest;
  response: ExampleResponse;
}

export interface ApiExamples {
  /** The demo gateway's clock while the examples ran (RFC 3339). */
  clock: string;
  /** The tokens the requests send, by name: real tokens of the demo carriers' keys. */
  tokens: Record<string, string>;
  /**
   * The client assertions (spec §7.13) the requests send, by name: each of
   * `party`, signed with the demo key `config/demo/keys/<key>.private.jwk.json`
   * at `clock`, remade by the capture script. A gateway accepts each once.
   */
  assertions: Record<string, { party: string; key: string; jws: string }>;
  examples: ApiExample[];
}

export const API_EXAMPLES = examplesFile as unknown as ApiExamples;

const TOKEN_REF = /^\$token:([a-z0-9-]+)$/;
const ASSERTION_REF = /\$assertion:([a-z0-9-]+)/g;

/** Header fields with each `$assertion:<name>` replaced by that assertion. */
export function withAssertions(
  headers: Record<string, string>,
  assertions: ApiExamples["assertions"],
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      value.replace(ASSERTION_REF, (_, ref: string) => {
        const assertion = assertions[ref];
        if (!assertion) throw new Error(`api-examples: no assertion named ${ref}`);
        return assertion.jws;
      }),
    ]),
  );
}

/** A value with each `$token:<name>` replaced by the token, and `{id}` by `id`. */
export function withTokens(value: Json, tokens: Record<string, string>, id?: string): Json {
  if (typeof value === "string") {
    if (value === "{id}" && id !== undefined) return id;
    const name = TOKEN_REF.exec(value)?.[1];
    if (name === undefined) return value;
    const token = tokens[name];
    if (token === undefined) throw new Error(`api-examples: no token named ${name}`);
    return token;
  }
  if (Array.isArray(value)) return value.map((v) => withTokens(v, tokens, id));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, withTokens(v, tokens, id)]),
    );
  return value;
}

/** The answer to one request, as the examples record it. */
export type Answer = ExampleResponse & { headers: Record<string, string> };

/**
 * Sends every example's request, in order (a later one may name an earlier
 * one's answer), and returns the answers by example name.
 *
 * @example
 * const answers = await runExamples(API_EXAMPLES, (path, init) => app.request(path, init));
 */
export async function runExamples(
  file: ApiExamples,
  request: (path: string, init: RequestInit) => Promise<Response>,
): Promise<Map<string, Answer>> {
  const answers = new Map<string, Answer>();
  for (const example of file.examples) {
    const { method, idFrom, json, raw } = example.request;
    let id: string | undefined;
    if (idFrom !== undefined) {
      id = (answers.get(idFrom)?.body as { id?: string } | undefined)?.id;
      if (typeof id !== "string")
        throw new Error(`api-examples: ${example.name} needs the id of ${idFrom}`);
    }
    const path = id === undefined ? example.request.path : example.request.path.replace("{id}", id);
    const headers = withAssertions(example.request.headers ?? {}, file.assertions);
    let body: string | undefined = raw;
    if (json !== undefined) {
      headers["content-type"] ??= "application/json";
      body = JSON.stringify(withTokens(json, file.tokens, id));
    }
    const response = await request(path, { method, headers, ...(body ? { body } : {}) });
    const type = response.headers.get("content-type") ?? "";
    const text = await response.text();
    const documented = Object.keys(example.response.headers ?? {});
    answers.set(example.name, {
      status: response.status,
      headers: Object.fromEntries(
        ["content-type", ...documented].map((name) => [name, response.headers.get(name) ?? ""]),
      ),
      body: /json/.test(type) ? (JSON.parse(text) as Json) : text,
    });
  }
  return answers;
}

/** What differs on every run, wherever it stands: ids' random parts, signatures, request ids. */
const VOLATILE: readonly [RegExp, string][] = [
  [/\b(rd|qt)\.([A-Za-z0-9_-]{43})\.[A-Za-z0-9_-]{22}\b/g, "$1.$2.<random>"],
  [/\bey[A-Za-z0-9_-]+\.ey[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43,}/g, "<compact JWS>"],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, "<uuid>"],
];

const stable = (text: string) =>
  VOLATILE.reduce((t, [pattern, replacement]) => t.replace(pattern, replacement), text);

/**
 * Where an answer differs from the documented one, other than in volatile
 * values that keep their form: JSON Pointers with what differs (empty when
 * the shapes agree).
 */
export function differences(documented: Json, actual: Json, at = ""): string[] {
  if (typeof documented === "string" && typeof actual === "string") {
    return stable(documented) === stable(actual)
      ? []
      : [`${at || "/"}: ${JSON.stringify(documented)} became ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(documented) && Array.isArray(actual)) {
    if (documented.length !== actual.length)
      return [`${at || "/"}: ${documented.length} items became ${actual.length}`];
    return documented.flatMap((d, i) => differences(d, actual[i]!, `${at}/${i}`));
  }
  if (
    documented !== null &&
    actual !== null &&
    typeof documented === "object" &&
    typeof actual === "object" &&
    !Array.isArray(documented) &&
    !Array.isArray(actual)
  ) {
    const keys = new Set([...Object.keys(documented), ...Object.keys(actual)]);
    return [...keys].flatMap((key) => {
      if (!(key in actual)) return [`${at}/${key}: documented, absent`];
      if (!(key in documented)) return [`${at}/${key}: present, undocumented`];
      return differences(documented[key]!, actual[key]!, `${at}/${key}`);
    });
  }
  return documented === actual
    ? []
    : [`${at || "/"}: ${JSON.stringify(documented)} became ${JSON.stringify(actual)}`];
}
