import { beforeAll, describe, expect, it } from "vitest";
import { claims, ISSUER_B, mintToken } from "../../support/network.ts";
import { testGateway } from "../../support/gateway.ts";
import { refusals } from "../../support/refusals.ts";

let gw: Awaited<ReturnType<typeof testGateway>>;
beforeAll(async () => {
  gw = await testGateway();
});

async function verdict(token: unknown) {
  const response = await gw.post("/v1/verify", { token });
  expect(response.status).toBe(200);
  return (await response.json()) as { valid: boolean; error?: string; claims?: unknown };
}

describe("POST /v1/verify", () => {
  it("answers valid with the claims for a good token", async () => {
    const c = claims();
    const body = await verdict(await mintToken(c, gw.keys.eddsa));
    expect(body).toEqual({
      valid: true,
      claims: c,
      remaining: { amount: "1000.5", unit: "gpu-second:h100-sxm" },
    });
  });

  it("answers each refusal with valid: false and its code", async () => {
    for (const { code, token } of await refusals(gw.keys)) {
      const answer = await verdict(token);
      expect({ code, answer }).toMatchObject({ code, answer: { valid: false, error: code } });
    }
  });
});

describe("request errors are problems", () => {
  async function expectProblem(response: Response, status: number, code: string) {
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const problem = (await response.json()) as Record<string, unknown>;
    expect(problem).toMatchObject({ type: `urn:oct:error:${code}`, status, code });
    expect(typeof problem.request_id).toBe("string");
    return problem;
  }

  it("request_invalid for a body without a token, with its pointer", async () => {
    const problem = await expectProblem(
      await gw.post("/v1/verify", { tokn: "x" }),
      400,
      "request_invalid",
    );
    expect(problem.errors).toBeInstanceOf(Array);
  });

  it("request_invalid for a body that is not JSON, or has duplicate members", async () => {
    await expectProblem(await gw.post("/v1/verify", "{"), 400, "request_invalid");
    await expectProblem(
      await gw.post("/v1/verify", '{"token":"a","token":"b"}'),
      400,
      "request_invalid",
    );
  });

  it("unsupported_media_type for a form body", async () => {
    const response = await gw.app.request("/v1/verify", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "token=abc",
    });
    await expectProblem(response, 415, "unsupported_media_type");
  });

  it("request_invalid for a token in the query string", async () => {
    const token = await mintToken(claims(), gw.keys.eddsa);
    await expectProblem(
      await gw.post(`/v1/verify?token=${token}`, { token }),
      400,
      "request_invalid",
    );
  });

  it("payload_too_large over the body limit", async () => {
    await expectProblem(
      await gw.post("/v1/verify", { token: "x".repeat(70_000) }),
      413,
      "payload_too_large",
    );
  });

  it("not_found and method_not_allowed", async () => {
    await expectProblem(await gw.app.request("/v1/nothing-here"), 404, "not_found");
    const response = await gw.app.request("/v1/verify", { method: "GET" });
    await expectProblem(response, 405, "method_not_allowed");
    expect(response.headers.get("allow")).toContain("POST");
  });

  it("keys_unavailable is a 503 problem, not a verdict", async () => {
    const failing = await testGateway({
      ports: {
        keys: {
          keyFor: async () => {
            const { OctError } = await import("../../../src/core/errors.ts");
            throw new OctError("keys_unavailable", "down");
          },
        },
      },
    });
    const token = await mintToken(claims(), gw.keys.eddsa);
    await expectProblem(await failing.post("/v1/verify", { token }), 503, "keys_unavailable");
  });

  it("every response carries a request id", async () => {
    const response = await gw.app.request("/healthz");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBeTruthy();
  });
});

describe("discovery", () => {
  it("GET /.well-known/oct-gateway names the gateway, versions, units and trusted issuers", async () => {
    const response = await gw.app.request("/.well-known/oct-gateway");
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.gateway).toBe("https://gw.test.example");
    expect(body.versions).toEqual(["0.1"]);
    expect(body.units).toContain("gpu-second:h100-sxm");
    expect(body.issuers).toContainEqual({
      carrier: "carrier-b",
      issuer: ISSUER_B,
      algorithms: ["ES384"],
      status: "suspended",
    });
  });
});
