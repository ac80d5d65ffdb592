/**
 * The pages served by the gateway: `GET /` (token inspector), `GET /docs`
 * (API reference, Scalar's bundled renderer) and `GET /openapi.json`, whose
 * schemas are the spec's own, whose references all resolve, whose error
 * codes are the registry's, and whose examples are what the demo gateway
 * really answers.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { Ajv2020 } from "ajv/dist/2020.js";
import { beforeAll, describe, expect, it } from "vitest";
import {
  API_EXAMPLES,
  differences,
  runExamples,
  type Answer,
} from "../../../scripts/lib/api-examples.ts";
import { demoExamplesGateway } from "../../../scripts/lib/demo-gateway.ts";
import { errorRows } from "../../../scripts/lib/error-registry.ts";
import { loadSchemaFiles, SPEC_DIR } from "../../../scripts/lib/spec-files.ts";
import { API_REFERENCE_BUNDLE } from "../../../src/gateway/pages/assets/api-reference.js";
import { API_REFERENCE_SCRIPT } from "../../../src/gateway/pages/docs.ts";
import { OFFLINE_SCRIPT } from "../../../src/gateway/pages/inspector.ts";
import { OFFLINE_INSPECT_BUNDLE } from "../../../src/gateway/pages/assets/offline-inspect.js";
import {
  inspectOffline,
  type OfflineInspection,
} from "../../../src/gateway/pages/browser/offline-inspect.ts";
import { testGateway } from "../../support/gateway.ts";

type Json = Record<string, any>;

const spec = readFileSync(`${SPEC_DIR}oct.md`, "utf8");
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
  it("is one document served from this origin: no external script, style, font or fetch", async () => {
    const { html } = await page(path);
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<html lang="en">');
    // scripts come only from this gateway (a path, never another host)
    for (const src of html.matchAll(/<script[^>]*\bsrc="([^"]*)"/gi)) {
      expect(src[1]).toMatch(/^\/[^/]/);
      expect((await gw.app.request(src[1]!)).status).toBe(200);
    }
    // the only link is the empty icon, which spares the browser a request for /favicon.ico
    expect([...html.matchAll(/<link\b[^>]*>/gi)].map((m) => m[0])).toEqual([
      '<link rel="icon" href="data:,">',
    ]);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
    expect(html).not.toMatch(/fetch\(\s*["']https?:/);
    // no host but the spec's schema ids and reserved example names (RFC 2606) in placeholders
    expect(html).not.toMatch(/https?:\/\/(?!opencomputetoken\.org|[a-z0-9.-]+\.example\b)[a-z]/i);
  });

  it("allows only its own inline code, by hash, and requests to this origin", async () => {
    const { html, csp, response } = await page(path);
    const directive = (name: string) =>
      csp
        .split("; ")
        .find((d) => d.startsWith(`${name} `))!
        .split(" ")
        .slice(1);
    expect(csp).toContain("default-src 'none'");
    expect(directive("connect-src")).toEqual(["'self'"]);
    expect(directive("script-src")).not.toContain("'unsafe-inline'");
    expect(directive("script-src")).not.toContain("'unsafe-eval'");
    for (const hash of inlineHashes(html, "script"))
      expect(directive("script-src")).toContain(hash);
    // the bundled scripts, from this origin only
    expect(directive("script-src")).toContain("'self'");
    if (path === "/") {
      expect(csp).not.toContain("unsafe-inline");
      for (const hash of inlineHashes(html, "style"))
        expect(directive("style-src")).toContain(hash);
    } else {
      // Scalar injects style elements without a nonce: styles inline, scripts still strict.
      expect(directive("style-src")).toEqual(["'unsafe-inline'"]);
    }
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
  it("has labelled fields for the token, the way to verify, a JWK Set and its issuer, and a live status", async () => {
    const { html } = await page("/");
    expect(html).toContain('<label for="token">');
    expect(html).toMatch(/<textarea id="token"[^>]*aria-describedby="token-hint"/);
    expect(html).toMatch(/<div id="token-colours" class="token-colours" aria-hidden="true">/);
    expect(html).toContain('<input type="radio" name="mode" value="gateway" checked>');
    expect(html).toContain('<input type="radio" name="mode" value="offline">');
    expect(html).toContain('<label for="jwks">');
    expect(html).toContain('<label for="issuer">');
    expect(html).toContain('role="status"');
    // verified as one types: no submit button to press
    expect(html).not.toMatch(/<button type="submit"/);
    expect(html).toContain('fetch("/v1/inspect"');
    // the offline verifier is loaded from this origin, only when asked for
    expect(html).not.toContain(`<script src="${OFFLINE_SCRIPT}">`);
    expect(html).toContain(`src: "${OFFLINE_SCRIPT}"`);
    // everything the gateway answers is written as text
    expect(html).not.toContain("innerHTML");
  });

  it("holds the text of each step of spec §6.2 under the anchor its step links to", async () => {
    const { html } = await page("/");
    const algorithm = spec.slice(spec.indexOf("### 6.2. "), spec.indexOf("### 6.3. "));
    for (let step = 1; step <= 8; step++) {
      const item = new RegExp(
        `<li id="spec-6\\.2-step-${step}" tabindex="-1"><strong>([^<]+)\\.</strong>`,
      ).exec(html);
      expect(item, `step ${step}`).not.toBeNull();
      expect(algorithm).toContain(`${step}. **${item![1]}.**`);
    }
    expect(html).toContain("<code>signature_invalid</code>");
    expect(html).toContain('var ANCHOR = "#spec-6.2-step-";');
  });

  it("HEAD works and other methods are refused with 405", async () => {
    expect((await gw.app.request("/", { method: "HEAD" })).status).toBe(200);
    const post = await gw.app.request("/", { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toContain("GET");
  });
});

describe(`GET ${OFFLINE_SCRIPT} (the inspector's offline verification)`, () => {
  it("is served gzip'd, intact, and self-contained for the browser", async () => {
    const served = await gw.app.request(OFFLINE_SCRIPT, { headers: { "accept-encoding": "gzip" } });
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const script = gunzipSync(Buffer.from(await served.arrayBuffer())).toString("utf8");
    expect(createHash("sha256").update(script).digest("base64url")).toBe(
      OFFLINE_INSPECT_BUNDLE.sha256,
    );
    // for the browser, offline: no Node built-in, no request, no code built at run time
    for (const call of ["fetch(", "XMLHttpRequest", "import(", "require(", "node:", "eval("])
      expect(script.includes(call), call).toBe(false);
    expect(script).toContain("OctOffline");
  });
});

describe("offline verification against a pasted JWK Set (the browser's, run here)", () => {
  const now = Date.parse(API_EXAMPLES.clock);
  const demo = JSON.parse(
    readFileSync(new URL("../../../config/demo/network.json", import.meta.url), "utf8"),
  ) as Json;
  const carrierA = JSON.stringify(demo.carriers[0].jwks);
  const carrierB = JSON.stringify(demo.carriers[1].jwks);
  const tokens = API_EXAMPLES.tokens as Record<string, string>;
  const ISSUER_A = "https://tokens.carrier-a.example";
  type Usable = Extract<OfflineInspection, { usable: true }>;
  const inspect = async (token: string, jwks: string, issuer = "", at = now) =>
    (await inspectOffline(token, jwks, issuer, at)) as Usable;
  const statuses = (answer: Usable) => answer.steps.map((s) => s.status);

  it("a valid token with its issuer named: every step passed", async () => {
    const answer = await inspect(tokens.a!, carrierA, ISSUER_A);
    expect(answer).toMatchObject({
      usable: true,
      valid: true,
      issuer: ISSUER_A,
      issuerNamed: true,
    });
    expect(statuses(answer)).toEqual(Array(9).fill("passed"));
    expect(answer.steps.map((s) => s.section)).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `6.2 step ${n}`),
    );
  });

  it("no issuer named: the token's own iss is taken, and step 5 says it was not checked", async () => {
    const answer = await inspect(tokens.a!, carrierA);
    expect(answer).toMatchObject({ valid: true, issuer: ISSUER_A, issuerNamed: false });
    expect(answer.steps[4]).toMatchObject({ status: "not_checked" });
    expect(answer.steps[4]!.detail).toContain(ISSUER_A);
  });

  // the example key of spec Appendix A.1: another Ed25519 key, under another kid
  const specKey = JSON.stringify({
    keys: [
      {
        kty: "OKP",
        crv: "Ed25519",
        kid: "carrier-a-2026-01",
        x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
      },
    ],
  });

  it.each([
    [
      "another issuer named",
      tokens.a!,
      carrierA,
      "https://tokens.carrier-b.example",
      5,
      "issuer_untrusted",
    ],
    ["keys of another algorithm", tokens.a!, carrierB, ISSUER_A, 5, "alg_not_allowed"],
    ["another key", tokens.a!, specKey, ISSUER_A, 6, "key_unknown"],
    [
      "a signature that does not verify",
      tokens["a-tampered"]!,
      carrierA,
      ISSUER_A,
      7,
      "signature_invalid",
    ],
    ["an expired token", tokens["a-expired"]!, carrierA, ISSUER_A, 8, "token_expired"],
    ["not a token", "not-a-token", carrierA, ISSUER_A, 2, "token_malformed"],
    ["a token over the size cap", "a".repeat(9000), carrierA, ISSUER_A, 1, "token_malformed"],
  ])(
    "%s: refused at its step with its code, the later steps not reached",
    async (_t, token, jwks, issuer, step, code) => {
      const answer = await inspect(token, jwks, issuer);
      expect(answer).toMatchObject({ usable: true, valid: false, error: code });
      expect(answer.steps[step - 1]).toMatchObject({ status: "failed", code });
      expect(
        statuses(answer)
          .slice(0, step - 1)
          .every((s) => s === "passed" || s === "not_checked"),
      ).toBe(true);
      expect(statuses(answer).slice(step)).toEqual(Array(9 - step).fill("not_reached"));
    },
  );

  it("says what is wrong with a key set it cannot use", async () => {
    const key = JSON.parse(
      readFileSync(
        new URL("../../../config/demo/keys/carrier-a.private.jwk.json", import.meta.url),
        "utf8",
      ),
    ) as Json;
    for (const [jwks, problem] of [
      ["{ not json", "not JSON"],
      ['{"kids":[]}', "Not a JWK Set"],
      [JSON.stringify({ keys: [key] }), "private key"],
      [
        JSON.stringify({ keys: [{ kty: "OKP", crv: "Ed25519", kid: "k" }] }),
        "not a usable public JWK Set",
      ],
    ] as const) {
      const answer = await inspectOffline(tokens.a!, jwks, ISSUER_A, now);
      expect(answer.usable, jwks).toBe(false);
      expect((answer as { problem: string }).problem).toContain(problem);
    }
    // one JWK on its own is a set of one
    expect(
      (await inspect(tokens.a!, JSON.stringify(demo.carriers[0].jwks.keys[0]), ISSUER_A)).valid,
    ).toBe(true);
  });
});

describe("GET /docs (API reference)", () => {
  it("renders /openapi.json with Scalar's bundle from this origin, its hosted services off", async () => {
    const { html } = await page("/docs");
    expect(html).toContain(`<script src="${API_REFERENCE_SCRIPT}"></script>`);
    expect(API_REFERENCE_SCRIPT).toBe(`/docs/scalar-${API_REFERENCE_BUNDLE.version}.js`);
    const config = JSON.parse(/createApiReference\(app, (\{.*\})\);/.exec(html)![1]!) as Record<
      string,
      unknown
    >;
    expect(config).toMatchObject({
      url: "/openapi.json",
      withDefaultFonts: false,
      telemetry: false,
      agent: { disabled: true },
      mcp: { disabled: true },
      defaultHttpClient: { targetKey: "shell", clientKey: "curl" },
    });
    expect(config).not.toHaveProperty("proxyUrl");
    expect(html).not.toContain("innerHTML");
  });
});

describe(`GET ${API_REFERENCE_SCRIPT} (the bundled renderer)`, () => {
  const source = () => gunzipSync(Buffer.from(API_REFERENCE_BUNDLE.gzipBase64, "base64"));

  it("is Scalar's standalone bundle, as vendored, whole", () => {
    const bytes = source();
    expect(bytes.length).toBe(API_REFERENCE_BUNDLE.bytes);
    expect(createHash("sha256").update(bytes).digest("base64url")).toBe(
      API_REFERENCE_BUNDLE.sha256,
    );
    expect(API_REFERENCE_BUNDLE).toMatchObject({
      package: "@scalar/api-reference",
      file: "dist/browser/standalone.js",
      license: "MIT",
    });
    expect(API_REFERENCE_BUNDLE.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    expect(bytes.toString("utf8")).toContain("window.Scalar={createApiReference");
  });

  it("is sent gzip'd to a browser, inflated to a client without gzip, 304 when unchanged", async () => {
    const gzipped = await gw.app.request(API_REFERENCE_SCRIPT, {
      headers: { "accept-encoding": "gzip, deflate, br" },
    });
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(gzipped.headers.get("content-encoding")).toBe("gzip");
    expect(gzipped.headers.get("x-content-type-options")).toBe("nosniff");
    expect(gunzipSync(Buffer.from(await gzipped.arrayBuffer())).equals(source())).toBe(true);

    for (const encoding of [undefined, "identity", "gzip;q=0, br"]) {
      const plain = await gw.app.request(API_REFERENCE_SCRIPT, {
        headers: encoding ? { "accept-encoding": encoding } : {},
      });
      expect(plain.headers.get("content-encoding")).toBeNull();
      expect(Buffer.from(await plain.arrayBuffer()).equals(source())).toBe(true);
    }

    const again = await gw.app.request(API_REFERENCE_SCRIPT, {
      headers: { "if-none-match": gzipped.headers.get("etag")! },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
  });
});

describe("GET /openapi.json", () => {
  let doc: Json;
  const files = loadSchemaFiles();

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
      "GET /v1/redemptions",
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

  /** A validator of a components schema, references resolved inside the document. */
  function componentValidator() {
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema({ components: doc.components }, DOCUMENT_URL);
    return (name: string) => ajv.compile({ $ref: `${DOCUMENT_URL}#/components/schemas/${name}` });
  }

  it("holds every spec schema, judging every spec example as the spec's schema does", () => {
    const schemas = doc.components.schemas as Json;
    expect(Object.keys(schemas).sort()).toEqual(files.map((f) => f.name).sort());
    for (const file of files) {
      expect(schemas[file.name]["x-oct-schema-id"]).toBe(file.schema.$id);
      expect(schemas[file.name].title).toBe(file.schema.title);
    }
    // no reference leaves the document, so every OpenAPI tool can follow them offline
    expect(JSON.stringify(doc)).not.toMatch(/"\$ref":"(?!#\/components\/)/);
    const validatorOf = componentValidator();
    let judged = 0;
    for (const name of readdirSync(`${SPEC_DIR}examples`)) {
      const examples = JSON.parse(readFileSync(`${SPEC_DIR}examples/${name}`, "utf8")) as Json;
      const validate = validatorOf(examples.schema.replace(/\.schema\.json$/, ""));
      for (const example of examples.valid) {
        expect(validate(example.instance), `${name}: ${example.title}`).toBe(true);
        judged++;
      }
      for (const example of examples.invalid) {
        expect(validate(example.instance), `${name}: ${example.title}`).toBe(false);
        judged++;
      }
    }
    expect(judged).toBeGreaterThan(100);
  });

  it("names its server: the origin serving it (relative in the generated document)", async () => {
    expect(doc.servers).toEqual([
      { url: "http://localhost", description: "This gateway (the origin serving this document)" },
    ]);
    const elsewhere = (await (
      await gw.app.request("https://gw.example:8443/openapi.json")
    ).json()) as Json;
    expect(elsewhere.servers[0].url).toBe("https://gw.example:8443");
    const { OPENAPI } = await import("../../../src/generated/openapi.ts");
    expect((OPENAPI as Json).servers).toEqual([
      { url: "/", description: "The gateway serving this document" },
    ]);
  });

  it("explains the nine steps of spec §6.2, for the pages that show a verification", () => {
    const steps = doc["x-oct-verification-steps"] as {
      step: number;
      title: string;
      text: string;
    }[];
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(steps.map((s) => s.title)).toEqual([
      "Size",
      "Compact format",
      "Header",
      "Payload",
      "Issuer",
      "Key",
      "Signature",
      "Claims",
      "Status",
    ]);
    expect(steps[6]!.text).toContain("signature_invalid");
    expect(steps[8]!.text).toContain("token_revoked");
    for (const step of steps) expect(spec).toContain(step.text.split("\n")[0]!);
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

  const operations = () =>
    Object.entries(doc.paths as Json).flatMap(([path, item]) =>
      Object.entries(item as Json).map(([method, operation]) => ({
        key: `${method.toUpperCase()} ${path}`,
        operation: operation as Json,
      })),
    );

  it("lists each operation's error codes under the statuses of spec §12", () => {
    const registry = new Map(errorRows(spec).map((r) => [r.code, r]));
    const listed = new Map<string, Map<string, number[]>>();
    for (const { key, operation } of operations()) {
      const codes = new Map<string, number[]>();
      for (const [status, response] of Object.entries(operation.responses as Json)) {
        if (status === "default") {
          expect(response).toEqual({ $ref: "#/components/responses/problem" });
          continue;
        }
        for (const code of (response as Json)["x-oct-error-codes"] ?? []) {
          expect(registry.get(code)!.statuses, `${key} ${code}`).toContain(Number(status));
          expect((response as Json).content["application/problem+json"].schema).toEqual({
            $ref: "#/components/schemas/problem",
          });
          codes.set(code, [...(codes.get(code) ?? []), Number(status)]);
        }
      }
      expect(codes.get("internal_error"), key).toEqual([500]);
      expect(operation.description, key).toContain("### Errors (Section 12)");
      listed.set(key, codes);
    }
    const tokenCodes = [...registry.values()]
      .filter((r) => r.sections.includes("6.2") && !r.statuses.includes(503))
      .map((r) => r.code);
    expect(tokenCodes).toContain("signature_invalid");
    for (const key of ["POST /v1/quotes", "POST /v1/redemptions", "POST /v1/balance"]) {
      for (const code of tokenCodes)
        expect(listed.get(key)!.has(code), `${key} ${code}`).toBe(true);
      expect(listed.get(key)!.get("keys_unavailable")).toEqual([503]);
      expect(listed.get(key)!.get("status_unavailable")).toEqual([503]);
      expect(listed.get(key)!.get("payload_too_large")).toEqual([413]);
    }
    // a token failure is a verdict of POST /v1/verify and /v1/inspect, an unavailable key set or status list a problem
    for (const key of ["POST /v1/verify", "POST /v1/inspect"]) {
      const [path, method] = [key.split(" ")[1]!, "post"];
      const verdicts = doc.paths[path][method].responses["200"]["x-oct-verdict-codes"];
      expect(new Set(verdicts)).toEqual(new Set(tokenCodes));
      for (const code of tokenCodes) expect(listed.get(key)!.has(code)).toBe(false);
      expect(listed.get(key)!.get("keys_unavailable")).toEqual([503]);
      expect(listed.get(key)!.get("status_unavailable")).toEqual([503]);
    }
    const redeem = listed.get("POST /v1/redemptions")!;
    expect(redeem.get("provider_unavailable")).toEqual([502, 503]);
    expect(redeem.get("idempotency_conflict")).toEqual([409]);
    expect(redeem.get("holder_proof_invalid")).toEqual([401]);
    expect(listed.get("POST /v1/quotes")!.has("idempotency_conflict")).toBe(false);
    expect(listed.get("GET /v1/redemptions/{id}")!.get("not_found")).toEqual([404]);
    expect(listed.get("GET /v1/settlements")!.get("request_invalid")).toEqual([400]);
    expect(listed.get("GET /healthz")!.has("request_invalid")).toBe(false);
    expect(listed.get("GET /.well-known/jwks.json")!.has("payload_too_large")).toBe(false);
    expect(doc.paths["/v1/quotes"].post.responses["401"].headers).toHaveProperty(
      "WWW-Authenticate",
    );
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
    // The books and the metrics answer a party's client assertion (§7.13), nothing else does.
    const secured = Object.entries(doc.paths as Json).flatMap(([path, item]) =>
      Object.entries(item as Json)
        .filter(([, operation]) => (operation as Json).security)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(secured.sort()).toEqual(["GET /metrics", "GET /v1/redemptions", "GET /v1/settlements"]);
    expect(settlements.security).toEqual([{ clientAssertion: [] }]);
    expect(doc.components.securitySchemes.clientAssertion).toMatchObject({
      type: "http",
      scheme: "bearer",
    });
    expect(doc.paths["/v1/redemptions/{id}"].get.parameters[0]).toMatchObject({
      name: "id",
      in: "path",
      required: true,
    });
  });
});

describe("the API reference's examples: what the demo gateway really answers", () => {
  let answers: Map<string, Answer>;
  let doc: Json;

  beforeAll(async () => {
    const demo = demoExamplesGateway(Date.parse(API_EXAMPLES.clock));
    try {
      answers = await runExamples(API_EXAMPLES, demo.request);
    } finally {
      demo.close();
    }
    doc = (await (await gw.app.request("/openapi.json")).json()) as Json;
  });

  it.each(API_EXAMPLES.examples.map((e) => [e.name, e] as const))(
    "%s: the documented status, header fields and answer",
    (_name, example) => {
      const answer = answers.get(example.name)!;
      // when the gateway's answers change on purpose: node scripts/capture-api-examples.ts && npm run gen
      expect(answer.status).toBe(example.response.status);
      for (const [name, value] of Object.entries(example.response.headers ?? {}))
        expect(differences(value, answer.headers[name]!), name).toEqual([]);
      expect(differences(example.response.body, answer.body)).toEqual([]);
    },
  );

  it("places each example under its operation, status and media type", () => {
    for (const example of API_EXAMPLES.examples) {
      const [method, path] = example.operation.split(" ") as [string, string];
      const operation = doc.paths[path][method.toLowerCase()];
      const response = operation.responses[String(example.response.status)];
      expect(response, example.name).toBeDefined();
      const placed = Object.values(response.content as Json).filter(
        (media: Json) => media.examples?.[example.name],
      ) as Json[];
      expect(placed.length, example.name).toBe(1);
      expect(placed[0]!.examples[example.name].value).toEqual(example.response.body);
      if (example.response.status < 300 && example.request.json !== undefined) {
        const sent = Object.values(
          operation.requestBody.content["application/json"].examples as Json,
        ).map((e: Json) => JSON.stringify(e.value));
        const body = JSON.parse(JSON.stringify(example.request.json), (_k, v: unknown) =>
          typeof v === "string" && v.startsWith("$token:")
            ? API_EXAMPLES.tokens[v.slice("$token:".length)]
            : v,
        );
        expect(sent, example.name).toContain(JSON.stringify(body));
      }
    }
  });

  it("every documented answer is valid against the schema documented for it", () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema({ components: doc.components }, "https://gateway.test/openapi.json");
    let checked = 0;
    for (const item of Object.values(doc.paths as Json))
      for (const operation of Object.values(item as Json) as Json[])
        for (const response of Object.values(operation.responses as Json) as Json[])
          for (const media of Object.values((response as Json).content ?? {}) as Json[])
            for (const [name, example] of Object.entries((media.examples ?? {}) as Json)) {
              const ref = media.schema.$ref as string | undefined;
              const validate = ajv.compile(
                ref ? { $ref: `https://gateway.test/openapi.json${ref}` } : media.schema,
              );
              expect(validate(example.value), `${name}: ${ajv.errorsText(validate.errors)}`).toBe(
                true,
              );
              checked++;
            }
    expect(checked).toBe(API_EXAMPLES.examples.length);
  });

  it("every refusal shown is listed: a problem's code at its status, a verdict's among the verdicts", () => {
    for (const example of API_EXAMPLES.examples) {
      const [method, path] = example.operation.split(" ") as [string, string];
      const response = doc.paths[path][method.toLowerCase()].responses[
        String(example.response.status)
      ] as Json;
      const body = example.response.body as Json;
      if (example.response.status >= 400)
        expect(response["x-oct-error-codes"], example.name).toContain(body.code);
      else if (body?.valid === false)
        expect(response["x-oct-verdict-codes"], example.name).toContain(body.error);
    }
  });

  it("shows every operation answering, and the common refusals", () => {
    const shown = new Set(
      API_EXAMPLES.examples.filter((e) => e.response.status < 300).map((e) => e.operation),
    );
    const withoutExample = Object.entries(doc.paths as Json)
      .flatMap(([path, item]) => Object.keys(item as Json).map((m) => `${m.toUpperCase()} ${path}`))
      .filter((key) => !shown.has(key));
    // Prometheus figures change with every request: the format is described instead.
    expect(withoutExample).toEqual(["GET /metrics"]);
    const codes = new Set(
      API_EXAMPLES.examples.map((e) => {
        const body = e.response.body as Json;
        return body?.code ?? body?.error;
      }),
    );
    for (const code of [
      "token_expired",
      "signature_invalid",
      "token_malformed",
      "request_invalid",
      "unsupported_media_type",
      "insufficient_balance",
      "idempotency_conflict",
      "idempotency_key_required",
      "constraint_violated",
      "no_tariff",
      "provider_unknown",
      "unit_unknown",
      "quote_invalid",
      "not_found",
      "authentication_required",
      "party_forbidden",
      "client_assertion_replayed",
    ])
      expect(codes, code).toContain(code);
    // ids have the form the gateway gives them, not the spec's illustrative one
    expect(JSON.stringify(doc)).not.toContain("r_01JDB");
    expect(JSON.stringify(doc)).toMatch(/"id":"rd\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{22}"/);
  });
});
