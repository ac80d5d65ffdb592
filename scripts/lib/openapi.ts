/**
 * @module Builds the OpenAPI 3.1 document of the gateway from `spec/`: the
 * operations from the table of `spec/oct.md` §7.1, their descriptions from
 * the §7 subsection naming each one, and `components.schemas` holding every
 * spec schema verbatim under its `$id`, so the relative references between
 * them resolve as in the spec. Only what the spec's prose does not say in a
 * machine-readable way (operation ids, summaries, parameters, non-JSON
 * bodies) is written here, and it is checked against the table.
 */
import { SCHEMA_BASE_URI, SpecFileError, type SchemaFile } from "./spec-files.ts";

type Json = Record<string, unknown>;

export interface OperationExtras {
  operationId: string;
  summary: string;
  tag: string;
  parameters?: Json[];
  /** The request body may be left out (the table names its schema all the same). */
  bodyOptional?: boolean;
  /** Success content beside (or, when the table names no schema file, instead of) the schema's JSON. */
  content?: Record<string, { schema: Json }>;
}

/** `#/components/schemas/<name>`: the spec schema of `<name>.schema.json`. */
export const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
/** A definition of `common.schema.json`, by its `$id`. */
const common = (definition: string) => ({
  $ref: `${SCHEMA_BASE_URI}common.schema.json#/$defs/${definition}`,
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

/** Per operation of the §7.1 table, keyed `METHOD path`. */
export const OPERATIONS: Record<string, OperationExtras> = {
  "GET /.well-known/oct-gateway": {
    operationId: "getGatewayMetadata",
    summary: "Gateway metadata",
    tag: "Discovery",
  },
  "GET /.well-known/jwks.json": {
    operationId: "getReceiptKeys",
    summary: "The gateway's public receipt keys",
    tag: "Discovery",
  },
  "POST /v1/verify": { operationId: "verifyToken", summary: "Verify a token", tag: "Tokens" },
  "POST /v1/quotes": {
    operationId: "createQuote",
    summary: "Quote a redemption",
    tag: "Redemption",
  },
  "POST /v1/redemptions": {
    operationId: "createRedemption",
    summary: "Redeem a token at a provider",
    tag: "Redemption",
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
    ],
  },
  "GET /v1/redemptions/{id}": {
    operationId: "getRedemption",
    summary: "A stored redemption",
    tag: "Redemption",
    parameters: [redemptionId("The redemption id, as answered by POST /v1/redemptions.")],
  },
  "POST /v1/redemptions/{id}/capture": {
    operationId: "captureAuthorization",
    summary: "Capture an authorisation, for at most the amount it holds",
    tag: "Redemption",
    parameters: [
      redemptionId("The id of an authorisation (a redemption made with capture manual)."),
    ],
  },
  "POST /v1/redemptions/{id}/void": {
    operationId: "voidAuthorization",
    summary: "Void an authorisation, returning its whole debit",
    tag: "Redemption",
    parameters: [
      redemptionId("The id of an authorisation (a redemption made with capture manual)."),
    ],
    bodyOptional: true,
  },
  "POST /v1/balance": { operationId: "getBalance", summary: "A token's balance", tag: "Tokens" },
  "GET /v1/settlements": {
    operationId: "getSettlementReport",
    summary: "Settlement report for a period",
    tag: "Settlement",
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
    summary: "Prometheus metrics",
    tag: "Monitoring",
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

const SPEC_PATH = "spec/oct.md";

/** The body of the `### <number>.` subsection (up to the next heading). */
function sectionBody(text: string, heading: RegExp): { title: string; body: string } | undefined {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => heading.test(line));
  if (start < 0) return undefined;
  let end = lines.findIndex((line, i) => i > start && /^#{1,3} /.test(line));
  if (end < 0) end = lines.length;
  return {
    title: lines[start]!.replace(/^#+ /, ""),
    body: lines
      .slice(start + 1, end)
      .join("\n")
      .trim(),
  };
}

const schemaName = (cell: string) => /`([a-z0-9-]+)\.schema\.json`/.exec(cell)?.[1];

/** The rows of the operations table of §7.1. */
export function apiRows(spec: string): ApiRow[] {
  const section = sectionBody(spec, /^### 7\.1\. /);
  if (!section) throw new SpecFileError(SPEC_PATH, "", "no section 7.1 (General Rules)");
  const rows: ApiRow[] = [];
  for (const line of section.body.split("\n")) {
    const cells = /^\|(.*)\|$/
      .exec(line.trim())?.[1]
      ?.split("|")
      .map((cell) => cell.trim());
    const operation =
      cells && /^`(GET|POST|PUT|PATCH|DELETE) ([^`]+)`( \(OPTIONAL\))?$/.exec(cells[0]!);
    if (!cells || !operation) continue;
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

/**
 * The OpenAPI 3.1 document.
 *
 * @example
 * const document = buildOpenApi(loadSchemaFiles(), readFileSync("spec/oct.md", "utf8"));
 */
export function buildOpenApi(files: readonly SchemaFile[], spec: string, version: string): Json {
  const schemas = new Map(files.map((file) => [file.name, file.schema]));
  const rows = apiRows(spec);
  const keys = rows.map((row) => `${row.method} ${row.path}`);
  for (const key of Object.keys(OPERATIONS)) {
    if (!keys.includes(key))
      throw new SpecFileError(
        SPEC_PATH,
        "",
        `scripts/lib/openapi.ts describes ${key}, absent from the table of section 7.1`,
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
    const content: Record<string, { schema: Json }> = {
      ...(row.response ? { "application/json": { schema: schemaRef(row.response) } } : {}),
      ...extras.content,
    };
    if (Object.keys(content).length === 0)
      throw new SpecFileError(SPEC_PATH, "", `${key}: no schema and no content for its answer`);
    const responseTitle = row.response ? String(schemas.get(row.response)!.title) : extras.summary;
    paths[row.path] ??= {};
    paths[row.path]![row.method.toLowerCase()] = {
      operationId: extras.operationId,
      summary: extras.summary,
      description: `${section.body}\n\n(Section ${section.title.replace(/\.? .*$/, "")} of the specification.)`,
      tags: [extras.tag],
      ...(row.optional ? { "x-oct-optional": true } : {}),
      ...(extras.parameters ? { parameters: extras.parameters } : {}),
      ...(row.request
        ? {
            requestBody: {
              description: String(schemas.get(row.request)!.title),
              required: !extras.bodyOptional,
              content: { "application/json": { schema: schemaRef(row.request) } },
            },
          }
        : {}),
      responses: {
        [row.status]: { description: responseTitle, content },
        "4XX": { $ref: "#/components/responses/problem" },
        "5XX": { $ref: "#/components/responses/problem" },
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
        "Every schema below is the specification's own (`spec/schemas/`), kept under its `$id`; references between schemas are relative to those ids.",
        "### General rules (Section 7.1)",
        general,
        "### Errors (Section 7.2)",
        errors,
      ].join("\n\n"),
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    tags: TAGS,
    paths,
    components: {
      schemas: Object.fromEntries(files.map((file) => [file.name, file.schema])),
      responses: {
        problem: {
          description:
            "An error: RFC 9457 problem details whose code member is the OCT error code (Section 7.2).",
          content: { "application/problem+json": { schema: schemaRef("problem") } },
        },
      },
    },
  };
}
