/**
 * The pages served by the gateway: `GET /` (token inspector), `GET /docs`
 * (API reference) and `GET /openapi.json`, whose schemas are the spec's own
 * and whose references all resolve.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadSchemaFiles, SPEC_DIR } from "../../../scripts/lib/spec-files.ts";
import { testGateway } from "../../support/gateway.ts";

type Json = Record<string, any>;

let gw: Awaited<ReturnType<typeof testGateway>>;
beforeAll(async () => {
  gw = await testGateway();
});

function inlineHashes(html: string, element: "script" | "style"): string[] {
  return [...html.matchAll(new RegExp(`<${element}>([\\s\\S]*?)</${element}>`, "g"))].map(
    (m) => `'sha256-${createHash("sha256").update(m[1]!).digest("base64")}'`,
  );
}

async function page(path: string) {
  const response = await gw.app.request(path);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/html; charset=utf-8/i);
  const html = await response.text();
  const csp = response.headers.get("content-security-policy") ?? "";
  return { html, csp, response };
}

describe.each(["/", "/docs"])("GET %s", (path) => {
  it("is one self-contained document: no external script, style, font or fetch", async () => {
    const { html } = await page(path);
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<html lang="en">');
    expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
    // the only link is the empty icon, which spares the browser a request for /favicon.ico
    expect([...html.matchAll(/<link\b[^>]*>/gi)].map((m) => m[0])).toEqual([
      '<link rel="icon" href="data:,">',
    ]);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
    expect(html).not.toMatch(/fetch\(\s*["']https?:/);
    expect(html).not.toMatch(/https?:\/\/(?!opencomputetoken\.org)[a-z]/i);
  });

  it("allows only its own inline code, by hash, and requests to this origin", async () => {
    const { html, csp, response } = await page(path);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    for (const hash of inlineHashes(html, "script")) expect(csp).toContain(`script-src ${hash}`);
    for (const hash of inlineHashes(html, "style")) expect(csp).toContain(`style-src ${hash}`);
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toMatch(/\son[a-z]+="/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("links the other pages and has a skip link to its main content", async () => {
    const { html } = await page(path);
    expect(html).toContain('href="#main"');
    expect(html).toContain('id="main"');
    expect(html).toContain('href="/docs"');
    expect(html).toContain('href="/"');
    expect(html).toContain('aria-current="page"');
  });
});

describe("GET / (token inspector)", () => {
  it("has a labelled token field, an Inspect button and a live status region", async () => {
    const { html } = await page("/");
    expect(html).toContain('<label for="token">');
    expect(html).toMatch(/<textarea id="token"[^>]*aria-describedby="token-hint"/);
    expect(html).toContain('<button type="submit" id="inspect">Inspect</button>');
    expect(html).toContain('role="status"');
    expect(html).toContain('fetch("/v1/inspect"');
    // everything the gateway answers is written as text
    expect(html).not.toContain("innerHTML");
  });

  it("HEAD works and other methods are refused with 405", async () => {
    expect((await gw.app.request("/", { method: "HEAD" })).status).toBe(200);
    const post = await gw.app.request("/", { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toContain("GET");
  });
});

describe("GET /docs (API reference)", () => {
  it("renders from /openapi.json with its own code", async () => {
    const { html } = await page("/docs");
    expect(html).toContain('fetch("/openapi.json"');
    expect(html).not.toContain("innerHTML");
  });
});

describe("GET /openapi.json", () => {
  let doc: Json;
  const files = loadSchemaFiles();
  const spec = readFileSync(`${SPEC_DIR}oct.md`, "utf8");

  beforeAll(async () => {
    const response = await gw.app.request("/openapi.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    doc = JSON.parse(await response.text()) as Json;
  });

  it("is an OpenAPI 3.1 document with the spec's version", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.version).toBe(/^\| Version \| ([^ |]+) \|$/m.exec(spec)![1]);
    expect(doc.info.title).toBeTruthy();
    expect(doc.jsonSchemaDialect).toBe("https://json-schema.org/draft/2020-12/schema");
  });

  it("has every endpoint of spec §7 and POST /v1/inspect", () => {
    // every subsection of §7 titled with an operation, e.g. "### 7.5. `POST /v1/verify`"
    const section7 = spec.slice(spec.indexOf("## 7. "), spec.indexOf("## 8. "));
    const titled = [...section7.matchAll(/^### 7\.\d+\. (.*)$/gm)].flatMap((m) =>
      [...m[1]!.matchAll(/`(GET|POST) ([^`]+)`/g)].map((o) => `${o[1]} ${o[2]}`),
    );
    const expected = [
      "GET /.well-known/oct-gateway",
      "GET /.well-known/jwks.json",
      "POST /v1/verify",
      "POST /v1/quotes",
      "POST /v1/redemptions",
      "GET /v1/redemptions/{id}",
      "POST /v1/redemptions/{id}/capture",
      "POST /v1/redemptions/{id}/void",
      "POST /v1/balance",
      "GET /v1/settlements",
      "GET /healthz",
      "GET /metrics",
      "POST /v1/inspect",
    ];
    expect(new Set(titled)).toEqual(new Set(expected));
    const listed = Object.entries(doc.paths as Json).flatMap(([path, item]) =>
      Object.keys(item as Json).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(listed.sort()).toEqual([...expected].sort());
    expect(doc.paths["/v1/inspect"].post["x-oct-optional"]).toBe(true);
    expect(
      new Set(
        listed.map(
          (key) => doc.paths[key.split(" ")[1]!][key.split(" ")[0]!.toLowerCase()].operationId,
        ),
      ).size,
    ).toBe(listed.length);
  });

  it("holds every spec schema verbatim, under its $id", () => {
    const schemas = doc.components.schemas as Json;
    expect(Object.keys(schemas).sort()).toEqual(files.map((f) => f.name).sort());
    for (const file of files) expect(schemas[file.name]).toEqual(file.schema);
  });

  /** Resolves a $ref as JSON Schema 2020-12 does: against the base URI, then by $id and pointer. */
  function resolve(ref: string, base: string): { target: unknown; base: string } | undefined {
    const byId = new Map(
      Object.values(doc.components.schemas as Json).map((s: Json) => [s.$id as string, s]),
    );
    const absolute = new URL(ref, base);
    const fragment = decodeURIComponent(absolute.hash.slice(1));
    absolute.hash = "";
    const resource = absolute.href === DOCUMENT_URL ? doc : byId.get(absolute.href);
    if (!resource) return undefined;
    let target: unknown = resource;
    for (const part of fragment.split("/").slice(1)) {
      const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
      target = (target as Json | undefined)?.[key];
    }
    return target === undefined ? undefined : { target, base: absolute.href };
  }
  const DOCUMENT_URL = "https://gateway.test/openapi.json";

  it("every response schema $ref names a components schema", () => {
    let count = 0;
    for (const item of Object.values(doc.paths as Json)) {
      for (const operation of Object.values(item as Json) as Json[]) {
        for (const response of Object.values(operation.responses as Json) as Json[]) {
          const resolved = response.$ref ? resolve(response.$ref, DOCUMENT_URL)!.target : response;
          for (const media of Object.values((resolved as Json).content ?? {}) as Json[]) {
            const ref = media.schema.$ref as string | undefined;
            if (ref === undefined) continue;
            expect(ref).toMatch(/^#\/components\/schemas\/[a-z-]+$/);
            expect(doc.components.schemas[ref.split("/").pop()!]).toBeDefined();
            count++;
          }
        }
      }
    }
    expect(count).toBeGreaterThanOrEqual(11);
  });

  it("error responses are problems: problem.schema.json", () => {
    for (const item of Object.values(doc.paths as Json)) {
      for (const operation of Object.values(item as Json) as Json[]) {
        expect(operation.responses["4XX"]).toEqual({ $ref: "#/components/responses/problem" });
        expect(operation.responses["5XX"]).toEqual({ $ref: "#/components/responses/problem" });
      }
    }
    expect(doc.components.responses.problem.content["application/problem+json"].schema).toEqual({
      $ref: "#/components/schemas/problem",
    });
  });

  it("every $ref anywhere resolves, relative to the $id that encloses it", () => {
    const unresolved: string[] = [];
    let count = 0;
    const walk = (node: unknown, base: string, at: string) => {
      if (node === null || typeof node !== "object") return;
      const here =
        typeof (node as Json).$id === "string" ? new URL((node as Json).$id, base).href : base;
      for (const [key, child] of Object.entries(node as Json)) {
        if (key === "$ref" && typeof child === "string") {
          count++;
          if (!resolve(child, here)) unresolved.push(`${at}: ${child}`);
        } else walk(child, here, `${at}/${key}`);
      }
    };
    walk(doc, DOCUMENT_URL, "");
    expect(unresolved).toEqual([]);
    expect(count).toBeGreaterThan(50);
  });

  it("describes each operation with its section of the spec and its parameters", () => {
    const verify = doc.paths["/v1/verify"].post;
    expect(verify.description).toContain("Section 7.5");
    expect(verify.requestBody.content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/verify-request",
    });
    const redeem = doc.paths["/v1/redemptions"].post;
    expect(redeem.parameters).toContainEqual(
      expect.objectContaining({ name: "Idempotency-Key", in: "header", required: true }),
    );
    expect(redeem.responses["201"].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/redemption",
    });
    const settlements = doc.paths["/v1/settlements"].get;
    expect(settlements.parameters.map((p: Json) => p.name)).toEqual([
      "from",
      "to",
      "carrier",
      "provider",
      "format",
    ]);
    expect(Object.keys(settlements.responses["200"].content)).toEqual([
      "application/json",
      "text/csv",
    ]);
    expect(doc.paths["/v1/redemptions/{id}"].get.parameters[0]).toMatchObject({
      name: "id",
      in: "path",
      required: true,
    });
  });
});
