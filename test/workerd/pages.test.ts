/**
 * The pages and `POST /v1/inspect` inside workerd: the HTML, the OpenAPI
 * document, the bundled API reference renderer and the inspection need
 * nothing of Node (no node:fs at run time).
 */
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { encodeBase64Url } from "../../src/core/encoding/base64url.ts";
import { API_REFERENCE_BUNDLE } from "../../src/gateway/pages/assets/api-reference.js";
import { OFFLINE_INSPECT_BUNDLE } from "../../src/gateway/pages/assets/offline-inspect.js";
import { API_REFERENCE_SCRIPT } from "../../src/gateway/pages/docs.ts";
import { OFFLINE_SCRIPT } from "../../src/gateway/pages/inspector.ts";
import { claims, mintToken } from "../support/network.ts";
import { workerGateway } from "./gateway.ts";

let gw: Awaited<ReturnType<typeof workerGateway>>;
beforeAll(async () => {
  gw = await workerGateway();
});

const sha256 = async (bytes: ArrayBuffer) =>
  encodeBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));

describe("pages in workerd", () => {
  it("serves the inspector and the API reference with their policy", async () => {
    for (const path of ["/", "/docs"]) {
      const response = await gw.app.request(path);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("<!doctype html>");
      expect(response.headers.get("content-security-policy")).toMatch(/script-src [^;]*'sha256-/);
    }
  });

  it("serves the OpenAPI document, its server the origin asked, its examples real ids", async () => {
    const response = await gw.app.request("https://gw.workers.example/openapi.json");
    const doc = (await response.json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      servers: { url: string }[];
    };
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(doc.paths)).toContain("/v1/inspect");
    expect(doc.servers[0]!.url).toBe("https://gw.workers.example");
    expect(JSON.stringify(doc)).toMatch(/"id":"rd\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{22}"/);
  });

  it.each([
    ["the API reference renderer", API_REFERENCE_SCRIPT, API_REFERENCE_BUNDLE],
    ["the offline verifier", OFFLINE_SCRIPT, OFFLINE_INSPECT_BUNDLE],
  ])("sends %s gzip'd once, not compressed again by the runtime", async (_name, path, bundle) => {
    // through the Worker's own entry point, as a browser gets it (fetch inflates gzip)
    const worker = (exports as unknown as { default: Fetcher }).default;
    const response = await worker.fetch(`https://gw.test${path}`, {
      headers: { "accept-encoding": "gzip" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const body = await response.arrayBuffer();
    expect(body.byteLength).toBe(bundle.bytes);
    expect(await sha256(body)).toBe(bundle.sha256);
  });

  it("sends the renderer inflated to a client without gzip", async () => {
    const plain = await gw.app.request(API_REFERENCE_SCRIPT, {
      headers: { "accept-encoding": "identity" },
    });
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await sha256(await plain.arrayBuffer())).toBe(API_REFERENCE_BUNDLE.sha256);
  });

  it("inspects a valid token and a malformed one", async () => {
    const valid = (await (
      await gw.post("/v1/inspect", { token: await mintToken(claims(), gw.keys.eddsa) })
    ).json()) as {
      valid: boolean;
      steps: { status: string }[];
      balance?: unknown;
      home?: unknown;
    };
    expect(valid.valid).toBe(true);
    expect(valid.steps.every((s) => s.status === "passed")).toBe(true);
    expect(valid.balance).toBeDefined();
    // No oct.home: the balance lives in this gateway's ledger (spec §7.12).
    expect(valid.home).toEqual({ kind: "none" });
    expect(valid).not.toHaveProperty("grants");
    const malformed = (await (await gw.post("/v1/inspect", { token: "nope" })).json()) as {
      error: string;
      steps: { status: string; code?: string }[];
    };
    expect(malformed.error).toBe("token_malformed");
    expect(malformed.steps[1]).toMatchObject({ status: "failed", code: "token_malformed" });
  });
});
