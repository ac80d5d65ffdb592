/**
 * @module Builds the OpenAPI 3.1 document of the gateway from `spec/`: the
 * operations from the table of `spec/oct.md` §7.1, their descriptions from
 * the §7 subsection naming each one, their error codes and statuses from the
 * registry of §12, `components.schemas` holding every spec schema (its
 * references rewritten to point into the document, which every OpenAPI tool
 * follows, unlike references relative to a schema's `$id`), and the real
 * requests and answers of `api-examples.json`. Only what the spec's prose
 * does not say in a machine-readable way (operation ids, summaries,
 * parameters, non-JSON bodies, the sections governing each operation) is
 * written here, and it is checked against the spec.
 */
import { API_EXAMPLES, withTokens, type ApiExample, type ApiExamples } from "./api-examples.ts";
import { SCHEMA_BASE_URI, SpecFileError, type SchemaFile } from "./spec-files.ts";
import { sectionBody, SPEC_PATH, tableRows } from "./spec-text.ts";
import { errorRows, type ErrorRow } from "./error-registry.ts";

type Json = Record<string, unknown>;

export interface OperationExtras {
  operationId: string;
  summary: string;
  tag: string;
  /**
   * The sections, besides §7.1, whose refusals the operation answers: its
   * error codes are the rows of §12 raised by one of them.
   */
  raisedBy: string[];
  /** Answered to an authenticated party only (§7.13): the operation carries the bearer security scheme. */
  party?: boolean;
  /** Codes the operation answers besides those (when a section's codes belong to several operations). */
  codes?: string[];
  /** Token failures (§6, §6.3) are a 200 verdict, not a problem (§7.5, §7.12). */
  verdicts?: boolean;
  /**
   * The examples (`api-examples.json`) that replace, in order, the spec's
   * illustrative JSON in the operation's section: real answers, real ids.
   */
  illustrations?: string[];
  parameters?: Json[];
  /** The request body may be left out (the table names its schema all the same). */
  bodyOptional?: boolean;
  /** Success content beside (or, when the table names no schema file, instead of) the schema's JSON. */
  content?: Record<string, { schema: Json }>;
}

/** `#/components/schemas/<name>`: the spec schema of `<name>.schema.json`. */
export const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
/** A definition of `common.schema.json`. */
const common = (definition: string) => ({
  $ref: `#/components/schemas/common/$defs/${definition}`,
});

const redemptionId = (description: string) => ({
  name: "id",
  in: "path",
  required: true,
  description,
  schema: common("identifier"),
});

const query = (name: string, description: string, schema: Json, required = false) => ({
  name,
  in: "query",
  description,
  required,
  schema,
});

export const TAGS = [
  { name: "Discovery", description: "Gateway metadata and keys (Sections 7.3, 7.4)." },
  { name: "Tokens", description: "Verification and balance of a token (Sections 6, 7.5, 7.9)." },
  {
    name: "Redemption",
    description:
      "Quotes, redemptions, and the capture or void of authorisations (Sections 7.6-7.8, 8).",
  },
  { name: "Settlement", description: "Who owes whom for a period (Sections 7.10, 10)." },
  { name: "Monitoring", description: "Liveness and metrics (Section 7.11)." },
];

/** The holder proof a request for a bound token carries (Sections 2.6, 6.6). */
const DPOP_PARAMETER = {
  name: "DPoP",
  in: "header",
  required: false,
  description:
    "For a token bound to a holder key (cnf.jkt): a DPoP proof JWT (RFC 9449) made for this request, its method, the gateway's URL of it and this token (Section 6.6); a fresh one for every request. Ignored for a token without cnf.",
  schema: { type: "string" },
};

/** Per operation of the §7.1 table, keyed `METHOD path`. */
export const OPERATIONS: Record<string, OperationExtras> = {
  "GET /.well-known/oct-gateway": {
    operationId: "getGatewayMetadata",
    summary: "Gateway metadata",
    tag: "Discovery",
    raisedBy: [],
    illustrations: ["metadata"],
  },
  "GET /.well-known/jwks.json": {
    operationId: "getReceiptKeys",
    summary: "The gateway's public receipt keys",
    tag: "Discovery",
    raisedBy: [],
  },
  "POST /v1/verify": {
    operationId: "verifyToken",
    summary: "Verify a token",
    tag: "Tokens",
    raisedBy: ["6.2", "6.3", "6.6"],
    parameters: [DPOP_PARAMETER],
    verdicts: true,
    illustrations: ["verify-valid", "verify-expired"],
  },
  "POST /v1/quotes": {
    operationId: "createQuote",
    summary: "Quote a redemption",
    tag: "Redemption",
    raisedBy: ["6.2", "6.3", "6.6", "8.3"],
    parameters: [DPOP_PARAMETER],
    illustrations: ["quote"],
  },
  "POST /v1/redemptions": {
    operationId: "createRedemption",
    summary: "Redeem a token at a provider",
    tag: "Redemption",
    raisedBy: ["6.2", "6.3", "6.6", "8.4", "8.5", "8.6", "8.7"],
    illustrations: ["redeem", "redeem-authorize"],
    parameters: [
      {
        name: "Idempotency-Key",
        in: "header",
        required: true,
        description:
          "The raw key of Section 8.5, 1 to 255 visible ASCII characters other than the comma (inner spaces allowed), in one field: a retry with the same key and body gets the same answer.",
        schema: {
          type: "string",
          pattern:
            "^[\\x21-\\x2B\\x2D-\\x7E]([\\x20-\\x2B\\x2D-\\x7E]{0,253}[\\x21-\\x2B\\x2D-\\x7E])?$",
        },
      },
      DPOP_PARAMETER,
    ],
  },
  "GET /v1/redemptions/{id}": {
    operationId: "getRedemption",
    summary: "A stored redemption",
    tag: "Redemption",
    raisedBy: [],
    codes: ["not_found"],
    parameters: [redemptionId("The redemption id, as answered by POST /v1/redemptions.")],
  },
  "POST /v1/redemptions/{id}/capture": {
    operationId: "captureAuthorization",
    summary: "Capture an authorisation, for at most the amount it holds",
    tag: "Redemption",
    raisedBy: [],
    codes: [
      "not_found",
      "capture_exceeds_authorization",
      "authorization_captured",
      "authorization_voided",
      "authorization_expired",
      "provider_unavailable",
      "ledger_busy",
    ],
    parameters: [
      redemptionId("The id of an authorisation (a redemption made with capture manual)."),
    ],
  },
  "POST /v1/redemptions/{id}/void": {
    operationId: "voidAuthorization",
    summary: "Void an authorisation, returning its whole debit",
    tag: "Redemption",
    raisedBy: [],
    codes: [
      "not_found",
      "authorization_captured",
      "authorization_voided",
      "authorization_expired",
      "ledger_busy",
    ],
    parameters: [
      redemptionId("The id of an authorisation (a redemption made with capture manual)."),
    ],
    bodyOptional: true,
  },
  "GET /v1/redemptions": {
    operationId: "listRedemptions",
    summary: "The committed redemptions that concern the authenticated party",
    tag: "Redemption",
    raisedBy: ["7.13", "7.14"],
    party: true,
    parameters: [
      query("from", "Only redemptions committed at or after this time.", common("timestamp")),
      query("to", "Only redemptions committed before this time.", common("timestamp")),
      query("carrier", "Only redemptions of this carrier's tokens.", common("slug")),
      query("provider", "Only redemptions at this provider.", common("slug")),
      query("iss", "With jti: only the redemptions of this token identity.", common("issuer")),
      query("jti", "With iss: only the redemptions of this token identity.", common("identifier")),
      query("limit", "The most redemptions on one page.", {
        type: "integer",
        minimum: 1,
        maximum: 100,
        default: 50,
      }),
      query("cursor", "The next_cursor of the previous page.", {
        type: "string",
        pattern: "^[A-Za-z0-9_-]{1,512}$",
      }),
    ],
  },
  "POST /v1/balance": {
    operationId: "getBalance",
    summary: "A token's balance",
    tag: "Tokens",
    raisedBy: ["6.2", "6.3", "6.6"],
    parameters: [DPOP_PARAMETER],
    illustrations: ["balance"],
  },
  "GET /v1/settlements": {
    operationId: "getSettlementReport",
    summary: "Settlement report for a period",
    tag: "Settlement",
    raisedBy: ["7.10", "7.13", "10.2"],
    party: true,
    parameters: [
      query("from", "Start of the period, inclusive (Section 10.2).", common("timestamp"), true),
      query("to", "End of the period, exclusive; not before from.", common("timestamp"), true),
      query("carrier", "Only entries of this carrier's tokens.", common("slug")),
      query("provider", "Only entries of redemptions at this provider.", common("slug")),
      query("format", "json (signed report, the default) or csv (Section 10.4).", {
        type: "string",
        enum: ["json", "csv"],
        default: "json",
      }),
    ],
    content: {
      "text/csv": { schema: { type: "string", description: "The CSV form, Section 10.4." } },
    },
  },
  "GET /healthz": {
    operationId: "getHealth",
    summary: "Liveness",
    tag: "Monitoring",
    raisedBy: [],
    content: {
      "application/json": {
        schema: {
          type: "object",
          properties: { status: { const: "ok" } },
          required: ["status"],
        },
      },
    },
  },
  "GET /metrics": {
    operationId: "getMetrics",
    summary: "Prometheus metrics (operators only)",
    tag: "Monitoring",
    raisedBy: ["7.13"],
    party: true,
    content: {
      "text/plain; version=0.0.4": {
        schema: { type: "string", description: "The Prometheus text exposition format." },
      },
    },
  },
  "POST /v1/inspect": {
    operationId: "inspectToken",
    summary: "Explain a token's verification step by step (OPTIONAL)",
    tag: "Tokens",
    raisedBy: ["6.2", "6.3", "6.6"],
    parameters: [DPOP_PARAMETER],
    verdicts: true,
    illustrations: ["inspect-expired"],
  },
};

export interface ApiRow {
  method: string;
  path: string;
  optional: boolean;
  request?: string;
  status: string;
  response?: string;
}

const schemaName = (cell: string) => /`([a-z0-9-]+)\.schema\.json`/.exec(cell)?.[1];

/** The rows of the operations table of §7.1. */
export function apiRows(spec: string): ApiRow[] {
  const section = sectionBody(spec, /^### 7\.1\. /);
  if (!section) throw new SpecFileError(SPEC_PATH, "", "no section 7.1 (General Rules)");
  const rows: ApiRow[] = [];
  for (const cells of tableRows(section.body)) {
    const operation = /^`(GET|POST|PUT|PATCH|DELETE) ([^`]+)`( \(OPTIONAL\))?$/.exec(cells[0]!);
    if (!operation) continue;
    const request = schemaName(cells[1] ?? "");
    const response = schemaName(cells[3] ?? "");
    rows.push({
      method: operation[1]!,
      path: operation[2]!,
      optional: operation[3] !== undefined,
      ...(request ? { request } : {}),
      status: cells[2] ?? "",
      ...(response ? { response } : {}),
    });
  }
  if (rows.length === 0) throw new SpecFileError(SPEC_PATH, "", "section 7.1 lists no operation");
  return rows;
}

/** The refusals of §7.1 every operation of a kind may answer. */
function generalCodes(row: ApiRow): string[] {
  return [
    ...(row.request || row.path.startsWith("/v1/") ? ["request_invalid"] : []),
    ...(row.request ? ["payload_too_large", "unsupported_media_type"] : []),
    "internal_error",
  ];
}

/** The registry rows of an operation's problems, and those it answers as a 200 verdict. */
export function operationErrors(
  row: ApiRow,
  extras: OperationExtras,
  registry: readonly ErrorRow[],
): { problems: ErrorRow[]; verdicts: ErrorRow[] } {
  const general = generalCodes(row);
  const raised = registry.filter(
    (r) =>
      general.includes(r.code) ||
      extras.codes?.includes(r.code) === true ||
      r.sections.some((s) => extras.raisedBy.includes(s)),
  );
  // §7.5, §7.12: a token failure is the answer; keys_unavailable (503) is not the token's fault.
  const isVerdict = (r: ErrorRow) =>
    extras.verdicts === true &&
    !general.includes(r.code) &&
    r.sections.some((s) => s === "6.2" || s === "6.3") &&
    !r.statuses.includes(503);
  return { problems: raised.filter((r) => !isVerdict(r)), verdicts: raised.filter(isVerdict) };
}

/**
 * A spec schema as a component: each reference, relative to the `$id` that
 * encloses it, rewritten to a JSON Pointer into the document, and the `$id`
 * kept as `x-oct-schema-id` (an `$id` would make those pointers relative to it).
 */
function asComponent(schema: Json, names: ReadonlyMap<string, string>): Json {
  const rewrite = (node: unknown, base: string): unknown => {
    if (Array.isArray(node)) return node.map((n) => rewrite(n, base));
    if (node === null || typeof node !== "object") return node;
    const object = node as Json;
    const here = typeof object.$id === "string" ? new URL(object.$id, base).href : base;
    return Object.fromEntries(
      Object.entries(object).map(([key, value]) => {
        if (key === "$id") return ["x-oct-schema-id", value];
        if (key !== "$ref" || typeof value !== "string") return [key, rewrite(value, here)];
        const target = new URL(value, here);
        const fragment = decodeURIComponent(target.hash.slice(1));
        target.hash = "";
        const name = names.get(target.href);
        if (name === undefined)
          throw new SpecFileError(SPEC_PATH, "", `the reference ${value} names no spec schema`);
        return [key, `#/components/schemas/${name}${fragment}`];
      }),
    );
  };
  return rewrite(schema, SCHEMA_BASE_URI) as Json;
}

/**
 * A section's text with its illustrative JSON replaced by real answers:
 * the spec abbreviates (`"…"`) and its ids are only shaped like ids.
 */
function withRealAnswers(
  text: string,
  key: string,
  names: readonly string[],
  examples: ApiExamples,
): string {
  const blocks = text.match(/```json\n[\s\S]*?\n```/g) ?? [];
  if (blocks.length !== names.length)
    throw new SpecFileError(
      SPEC_PATH,
      "",
      `${key}: its section has ${blocks.length} JSON examples, scripts/lib/openapi.ts replaces ${names.length}`,
    );
  let i = 0;
  return text.replace(/```json\n[\s\S]*?\n```/g, () => {
    const name = names[i++]!;
    const example = examples.examples.find((e) => e.name === name && e.operation === key);
    if (!example)
      throw new SpecFileError(SPEC_PATH, "", `${key}: no example ${name} in api-examples.json`);
    return "```json\n" + JSON.stringify(example.response.body, null, 2) + "\n```";
  });
}

/** The steps of §6.2, for pages that explain a verification (`x-oct-verification-steps`). */
export function verificationSteps(spec: string): { step: number; title: string; text: string }[] {
  const section = sectionBody(spec, /^### 6\.2\. /);
  if (!section) throw new SpecFileError(SPEC_PATH, "", "no section 6.2 (Algorithm)");
  const items = section.body.split(/\n(?=\d+\. \*\*)/).filter((item) => /^\d+\. \*\*/.test(item));
  return items.map((item) => {
    const match = /^(\d+)\. \*\*([^*]+?)\.?\*\*\s*([\s\S]*)$/.exec(item.trim())!;
    const text = match[3]!
      .split("\n")
      .map((line) => line.replace(/^ {3}/, ""))
      .join("\n")
      .replace(/\n\nThe token is then verified\.$/, "")
      .trim();
    return { step: Number(match[1]), title: match[2]!, text };
  });
}

const codeList = (rows: readonly ErrorRow[]) => rows.map((r) => `\`${r.code}\``).join(", ");

/** The Markdown table of an operation's errors, as the registry gives them. */
function errorsTable(problems: ErrorRow[], verdicts: ErrorRow[]): string {
  const lines = ["### Errors (Section 12)", ""];
  if (verdicts.length > 0)
    lines.push(
      `A token failure is not an error here: the answer is 200 with \`valid\` false and its code in \`error\`: ${codeList(verdicts)}.`,
      "",
    );
  lines.push(
    "Problems (`application/problem+json`), by `code`:",
    "",
    "| Code | HTTP | Meaning |",
    "|---|---|---|",
    ...problems.map((r) => `| \`${r.code}\` | ${r.statuses.join(" / ")} | ${r.meaning} |`),
  );
  return lines.join("\n");
}

type ExampleObject = { summary: string; value: unknown };

/** The operation's examples, keyed by name. */
function examplesOf(examples: readonly ApiExample[], file: ApiExamples) {
  const request: Record<string, ExampleObject> = {};
  const responses: Record<string, Record<string, ExampleObject>> = {};
  for (const example of examples) {
    const sent = JSON.stringify(example.request.json);
    const repeated = examples.some(
      (e) => e !== example && request[e.name] && JSON.stringify(e.request.json) === sent,
    );
    if (example.request.json !== undefined && example.response.status < 300 && !repeated)
      request[example.name] = {
        summary: example.summary,
        value: withTokens(example.request.json, file.tokens),
      };
    (responses[String(example.response.status)] ??= {})[example.name] = {
      summary: example.summary,
      value: example.response.body,
    };
  }
  return { request, responses };
}

/** The response for a status: the codes it carries, their examples, the problem schema. */
function problemResponse(
  status: number,
  rows: ErrorRow[],
  examples: Record<string, ExampleObject> | undefined,
): Json {
  return {
    description: rows.map((r) => `\`${r.code}\`: ${r.meaning}`).join(" "),
    "x-oct-error-codes": rows.map((r) => r.code),
    ...(status === 401
      ? {
          headers: {
            "WWW-Authenticate": {
              description:
                'For a token, the scheme of Section 14.4: `OCT error="<code>"`; for a party\'s credentials, `Bearer realm="oct"` with `error="invalid_token"` once one was presented (Section 7.13).',
              schema: { type: "string" },
            },
          },
        }
      : {}),
    content: {
      "application/problem+json": {
        schema: schemaRef("problem"),
        ...(examples ? { examples } : {}),
      },
    },
  };
}

/**
 * The OpenAPI 3.1 document.
 *
 * @example
 * const document = buildOpenApi(loadSchemaFiles(), readFileSync("spec/oct.md", "utf8"), "0.1");
 */
export function buildOpenApi(
  files: readonly SchemaFile[],
  spec: string,
  version: string,
  examples: ApiExamples = API_EXAMPLES,
): Json {
  const schemas = new Map(files.map((file) => [file.name, file.schema]));
  const names = new Map(files.map((file) => [String(file.schema.$id), file.name]));
  const rows = apiRows(spec);
  const registry = errorRows(spec);
  const keys = rows.map((row) => `${row.method} ${row.path}`);
  for (const key of Object.keys(OPERATIONS)) {
    if (!keys.includes(key))
      throw new SpecFileError(
        SPEC_PATH,
        "",
        `scripts/lib/openapi.ts describes ${key}, absent from the table of section 7.1`,
      );
  }
  for (const example of examples.examples) {
    if (!keys.includes(example.operation))
      throw new SpecFileError(
        SPEC_PATH,
        "",
        `api-examples.json: ${example.name} is for ${example.operation}, absent from section 7.1`,
      );
  }
  const paths: Record<string, Json> = {};
  for (const row of rows) {
    const key = `${row.method} ${row.path}`;
    const extras = OPERATIONS[key];
    if (!extras)
      throw new SpecFileError(
        SPEC_PATH,
        "",
        `${key} (section 7.1) has no entry in scripts/lib/openapi.ts`,
      );
    for (const name of [row.request, row.response]) {
      if (name !== undefined && !schemas.has(name))
        throw new SpecFileError(
          SPEC_PATH,
          "",
          `${key} names ${name}.schema.json, which spec/schemas lacks`,
        );
    }
    const escaped = `${row.method} ${row.path}`.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    const section = sectionBody(spec, new RegExp(`^### 7\\.\\d+\\. .*\`${escaped}\``));
    if (!section)
      throw new SpecFileError(
        SPEC_PATH,
        "",
        `no subsection of section 7 is titled with \`${key}\``,
      );
    const { problems, verdicts } = operationErrors(row, extras, registry);
    const own = examplesOf(
      examples.examples.filter((e) => e.operation === key),
      examples,
    );
    // A text answer (CSV) goes with the text media type, any other with JSON.
    const success = Object.entries(own.responses[row.status] ?? {});
    const textMedia = Object.keys(extras.content ?? {}).find((m) => m !== "application/json");
    const examplesFor = (media: string) => {
      const chosen = success.filter(([, e]) =>
        typeof e.value === "string" ? media === textMedia : media === "application/json",
      );
      return chosen.length > 0 ? { examples: Object.fromEntries(chosen) } : {};
    };
    const content: Record<string, Json> = Object.fromEntries(
      Object.entries({
        ...(row.response ? { "application/json": { schema: schemaRef(row.response) } } : {}),
        ...extras.content,
      }).map(([media, entry]) => [media, { ...entry, ...examplesFor(media) }]),
    );
    if (Object.keys(content).length === 0)
      throw new SpecFileError(SPEC_PATH, "", `${key}: no schema and no content for its answer`);
    const responseTitle = row.response ? String(schemas.get(row.response)!.title) : extras.summary;
    const byStatus = new Map<number, ErrorRow[]>();
    for (const r of problems)
      for (const status of r.statuses) byStatus.set(status, [...(byStatus.get(status) ?? []), r]);
    const parameters = extras.parameters?.map((parameter) =>
      withParameterExample(
        parameter,
        examples.examples.find((e) => e.operation === key),
      ),
    );
    paths[row.path] ??= {};
    paths[row.path]![row.method.toLowerCase()] = {
      operationId: extras.operationId,
      summary: extras.summary,
      description: [
        withRealAnswers(section.body, key, extras.illustrations ?? [], examples),
        `(Section ${section.title.replace(/\.? .*$/, "")} of the specification.)`,
        errorsTable(problems, verdicts),
      ].join("\n\n"),
      tags: [extras.tag],
      ...(extras.party ? { security: [{ clientAssertion: [] }] } : {}),
      ...(row.optional ? { "x-oct-optional": true } : {}),
      ...(parameters ? { parameters } : {}),
      ...(row.request
        ? {
            requestBody: {
              description: String(schemas.get(row.request)!.title),
              required: !extras.bodyOptional,
              content: {
                "application/json": {
                  schema: schemaRef(row.request),
                  ...(Object.keys(own.request).length > 0 ? { examples: own.request } : {}),
                },
              },
            },
          }
        : {}),
      responses: {
        [row.status]: {
          description:
            verdicts.length > 0
              ? `${responseTitle}; a refused token is answered here too, with its code in error: ${verdicts.map((r) => r.code).join(", ")}.`
              : responseTitle,
          ...(verdicts.length > 0 ? { "x-oct-verdict-codes": verdicts.map((r) => r.code) } : {}),
          ...successHeaders(key),
          content,
        },
        ...Object.fromEntries(
          [...byStatus.keys()]
            .sort()
            .map((status) => [
              String(status),
              problemResponse(status, byStatus.get(status)!, own.responses[String(status)]),
            ]),
        ),
        default: { $ref: "#/components/responses/problem" },
      },
    };
  }
  const general = sectionBody(spec, /^### 7\.1\. /)!.body;
  const errors = sectionBody(spec, /^### 7\.2\. /)?.body ?? "";
  return {
    openapi: "3.1.1",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "OCT gateway HTTP API",
      version,
      summary: "Verify Open Compute Tokens and redeem them across carriers.",
      description: [
        "The HTTP API of an Open Compute Token gateway, Section 7 of the specification (`spec/oct.md`).",
        "Every schema below is the specification's own (`spec/schemas/`), its `$id` kept as `x-oct-schema-id`.",
        `The examples are real: requests to the demo gateway (\`config/demo/\`) at ${examples.clock}, with tokens of its carriers' keys, and the answers it gave.`,
        "### General rules (Section 7.1)",
        general,
        "### Errors (Section 7.2)",
        errors,
      ].join("\n\n"),
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    // Relative: the origin serving the document; the gateway names itself when it serves it.
    servers: [{ url: "/", description: "The gateway serving this document" }],
    tags: TAGS,
    paths,
    components: {
      schemas: Object.fromEntries(
        files.map((file) => [file.name, asComponent(file.schema, names)]),
      ),
      securitySchemes: {
        clientAssertion: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT (typ oct-client+jwt)",
          description:
            "A party's client assertion (Section 7.13): a JWT of at most 300 seconds' life, signed with a key of the carrier, provider or operator named by its iss (carrier:<id>, provider:<id>, operator:<id>), aud the gateway's id, used for one request only.",
        },
      },
      responses: {
        problem: {
          description:
            "Any other error (e.g. 404 not_found for an unknown path, 405 method_not_allowed): RFC 9457 problem details whose code member is the OCT error code (Section 7.2).",
          content: { "application/problem+json": { schema: schemaRef("problem") } },
        },
      },
    },
    "x-oct-verification-steps": verificationSteps(spec),
  };
}

/** The header fields a success answer documents. */
function successHeaders(key: string): Json {
  if (key !== "POST /v1/redemptions") return {};
  return {
    headers: {
      Location: {
        description: "The redemption's resource, `/v1/redemptions/{id}`.",
        schema: { type: "string" },
      },
      "Idempotent-Replayed": {
        description: "`true` on an answer replayed for a repeated request (Section 8.5).",
        schema: { const: "true" },
      },
    },
  };
}

/** A parameter with the value the operation's first example gives it, when it gives one. */
function withParameterExample(parameter: Json, example: ApiExample | undefined): Json {
  if (!example) return parameter;
  const { name, in: where } = parameter as { name: string; in: string };
  let value: string | null | undefined;
  if (where === "header") {
    const headers = example.request.headers ?? {};
    value = Object.entries(headers).find(([h]) => h.toLowerCase() === name.toLowerCase())?.[1];
  } else if (where === "query") {
    value = new URL(example.request.path, "http://gateway.example").searchParams.get(name);
  } else if (where === "path") {
    value = (example.response.body as { id?: string } | null)?.id;
  }
  return value === undefined || value === null ? parameter : { ...parameter, example: value };
}
