/**
 * The pages and `POST /v1/inspect` inside workerd: the HTML, the OpenAPI
 * document and the inspection need nothing of Node (no node:fs at run time).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { claims, mintToken } from "../support/network.ts";
import { workerGateway } from "./gateway.ts";

let gw: Awaited<ReturnType<typeof workerGateway>>;
beforeAll(async () => {
  gw = await workerGateway();
});

describe("pages in workerd", () => {
  it("serves the inspector and the API reference with their policy", async () => {
    for (const path of ["/", "/docs"]) {
      const response = await gw.app.request(path);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("<!doctype html>");
      expect(response.headers.get("content-security-policy")).toMatch(/script-src 'sha256-/);
    }
  });

  it("serves the OpenAPI document", async () => {
    const response = await gw.app.request("/openapi.json");
    const doc = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(doc.paths)).toContain("/v1/inspect");
  });

  it("inspects a valid token and a malformed one", async () => {
    const valid = (await (
      await gw.post("/v1/inspect", { token: await mintToken(claims(), gw.keys.eddsa) })
    ).json()) as { valid: boolean; steps: { status: string }[]; balance?: unknown };
    expect(valid.valid).toBe(true);
    expect(valid.steps.every((s) => s.status === "passed")).toBe(true);
    expect(valid.balance).toBeDefined();
    const malformed = (await (await gw.post("/v1/inspect", { token: "nope" })).json()) as {
      error: string;
      steps: { status: string; code?: string }[];
    };
    expect(malformed.error).toBe("token_malformed");
    expect(malformed.steps[1]).toMatchObject({ status: "failed", code: "token_malformed" });
  });
});
