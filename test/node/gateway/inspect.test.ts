/**
 * `POST /v1/inspect` (spec §7.12): every verification step with its outcome,
 * the failing one with its code, the balance and history of a valid token,
 * and answers that hold to inspect-response.schema.json.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { InspectResponse } from "../../../src/generated/types.ts";
import { validateInspectResponse } from "../../../src/generated/validators.js";
import { OctError } from "../../../src/core/errors.ts";
import { claims, mintToken } from "../../support/network.ts";
import { segment } from "../../support/raw-token.ts";
import { testGateway } from "../../support/gateway.ts";
import { refusals } from "../../support/refusals.ts";

type Inspection = InspectResponse;

let gw: Awaited<ReturnType<typeof testGateway>>;
beforeAll(async () => {
  gw = await testGateway();
});

async function inspect(token: unknown): Promise<Inspection> {
  const response = await gw.post("/v1/inspect", { token });
  expect(response.status).toBe(200);
  expect(response.headers.get("cache-control")).toBe("no-store");
  const body = (await response.json()) as Inspection;
  const ok = validateInspectResponse(body);
  expect(validateInspectResponse.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
  return body;
}

/** The statuses of the 9 steps when `failing` fails. */
function expectFailureAt(body: Inspection, failing: number, code: string) {
  expect(body.valid).toBe(false);
  expect(body.error).toBe(code);
  expect(body.steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  for (const step of body.steps) {
    const expected =
      step.step < failing ? "passed" : step.step === failing ? "failed" : "not_reached";
    expect({ step: step.step, status: step.status }).toEqual({ step: step.step, status: expected });
  }
  const failed = body.steps[failing - 1]!;
  expect(failed).toMatchObject({ code, section: `6.2 step ${failing}` });
  expect(failed.detail).toBe(body.detail);
  expect(body.balance).toBeUndefined();
  expect(body.redemptions).toBeUndefined();
}

describe("POST /v1/inspect", () => {
  it("a valid token: all 9 steps passed, its claims, balance and redemptions", async () => {
    const c = claims();
    const token = await mintToken(c, gw.keys.eddsa);
    const body = await inspect(token);
    expect(body.valid).toBe(true);
    expect(body.steps).toHaveLength(9);
    expect(body.steps.every((s) => s.status === "passed" && s.code === undefined)).toBe(true);
    expect(body.steps[6]).toEqual({
      step: 7,
      title: "Signature",
      section: "6.2 step 7",
      status: "passed",
    });
    expect(body.header).toEqual({ alg: "EdDSA", typ: "oct+jwt", kid: gw.keys.eddsa.kid });
    expect(body.claims).toEqual(c);
    expect(body.balance).toMatchObject({
      face_value: { amount: "1000.5", unit: "gpu-second:h100-sxm" },
      remaining: { amount: "1000.5", unit: "gpu-second:h100-sxm" },
    });
    expect(body.redemptions).toEqual([]);
    // No oct.home: the balance lives in this gateway's ledger, and there are no grants.
    expect(body.home).toEqual({ kind: "none" });
    expect(body).not.toHaveProperty("grants");
    expect(JSON.stringify(body)).not.toContain(token);
  });

  it("lists the redemptions of a valid token, newest first, and the balance after them", async () => {
    const token = await mintToken(claims(), gw.keys.eddsa);
    const ask = (amount: string) => ({
      token,
      provider: "carrier-b-edge",
      amount,
      unit: "gpu-second:a100-sxm",
    });
    const first = (await (await gw.redeem(ask("100"), "inspect-1")).json()) as { id: string };
    const second = (await (await gw.redeem(ask("50"), "inspect-2")).json()) as { id: string };
    const body = await inspect(token);
    expect(body.balance).toMatchObject({
      committed: { amount: "60" },
      remaining: { amount: "940.5" },
    });
    expect(body.redemptions!.map((r) => r.id).sort()).toEqual([first.id, second.id].sort());
    expect(body.redemptions![0]).toEqual({
      id: expect.any(String),
      status: "committed",
      provider: "carrier-b-edge",
      debited: { amount: expect.any(String), unit: "gpu-second:h100-sxm" },
      credited: { amount: expect.any(String), unit: "gpu-second:a100-sxm" },
      created_at: expect.any(String),
    });
  });

  it("a non-JSON token string: step 2 failed with token_malformed, nothing decoded", async () => {
    const body = await inspect("this is not a token");
    expectFailureAt(body, 2, "token_malformed");
    expect(body.header).toBeUndefined();
    expect(body.claims).toBeUndefined();
    expect(body.steps[0]).toMatchObject({ status: "passed" });
  });

  it("each kind of failure: the failing step and its code, later steps not reached", async () => {
    for (const { step, code, token } of await refusals(gw.keys)) {
      const answer = await inspect(token);
      try {
        expectFailureAt(answer, step, code);
      } catch (error) {
        throw new Error(`${code} at step ${step}: ${JSON.stringify(answer.steps)}`, {
          cause: error,
        });
      }
    }
  });

  it("shows a refused token's header and claims, decoded but marked by valid: false", async () => {
    const evil = claims({ iss: "https://evil.example" });
    const body = await inspect(await mintToken(evil, gw.keys.eddsa));
    expectFailureAt(body, 5, "issuer_untrusted");
    expect(body.header).toMatchObject({ alg: "EdDSA", typ: "oct+jwt" });
    expect(body.claims).toEqual(evil);
    const none = await inspect(
      `${segment(JSON.stringify({ alg: "none", typ: "oct+jwt", kid: "k" }))}.${segment("{}")}.AA`,
    );
    expect(none.header).toEqual({ alg: "none", typ: "oct+jwt", kid: "k" });
    expect(none.claims).toEqual({});
  });

  it("decodes nothing of a token over the size cap", async () => {
    const token = await mintToken(claims({ padding: "x".repeat(9000) }), gw.keys.eddsa);
    const body = await inspect(token);
    expect(body).toMatchObject({ valid: false, error: "token_malformed" });
    expectFailureAt(body, 1, "token_malformed");
    expect(body.header).toBeUndefined();
    expect(body.claims).toBeUndefined();
  });

  it("every step passed but the ledger binding failed (§6.3): claims_invalid, no balance", async () => {
    const c = claims({ oct: { ver: "0.1", amount: "100", unit: "gpu-second:h100-sxm" } });
    const token = await mintToken(c, gw.keys.eddsa);
    const redeemed = await gw.redeem(
      { token, provider: "carrier-b-edge", amount: "10", unit: "gpu-second:a100-sxm" },
      "binding",
    );
    expect(redeemed.status).toBe(201);
    const other = await mintToken(
      { ...c, oct: { ver: "0.1", amount: "999", unit: "gpu-second:h100-sxm" } },
      gw.keys.eddsa,
    );
    const body = await inspect(other);
    expect(body.steps.every((s) => s.status === "passed")).toBe(true);
    expect(body).toMatchObject({ valid: false, error: "claims_invalid" });
    expect(body.balance).toBeUndefined();
  });

  it("answers what POST /v1/verify answers", async () => {
    for (const token of [
      await mintToken(claims(), gw.keys.eddsa),
      await mintToken(claims({ iss: "https://evil.example" }), gw.keys.eddsa),
      "garbage",
    ]) {
      const verdict = (await (await gw.post("/v1/verify", { token })).json()) as Inspection;
      const body = await inspect(token);
      expect({ valid: body.valid, error: body.error }).toEqual({
        valid: verdict.valid,
        error: verdict.error,
      });
    }
  });
});

describe("POST /v1/inspect request errors are problems", () => {
  async function expectProblem(response: Response, status: number, code: string) {
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ type: `urn:oct:error:${code}`, status, code });
  }

  it("request_invalid for a body without a token, a non-string token or an extra member", async () => {
    await expectProblem(await gw.post("/v1/inspect", {}), 400, "request_invalid");
    await expectProblem(await gw.post("/v1/inspect", { token: 42 }), 400, "request_invalid");
    await expectProblem(
      await gw.post("/v1/inspect", { token: "x", debug: true }),
      400,
      "request_invalid",
    );
    await expectProblem(await gw.post("/v1/inspect", "{"), 400, "request_invalid");
  });

  it("unsupported_media_type, payload_too_large, a token in the URL, a GET", async () => {
    const form = await gw.app.request("/v1/inspect", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "abc",
    });
    await expectProblem(form, 415, "unsupported_media_type");
    await expectProblem(
      await gw.post("/v1/inspect", { token: "x".repeat(70_000) }),
      413,
      "payload_too_large",
    );
    await expectProblem(
      await gw.post("/v1/inspect?token=abc", { token: "abc" }),
      400,
      "request_invalid",
    );
    await expectProblem(await gw.app.request("/v1/inspect"), 405, "method_not_allowed");
  });

  it("keys_unavailable is a 503 problem, not a verdict", async () => {
    const failing = await testGateway({
      ports: {
        keys: {
          keyFor: async () => {
            throw new OctError("keys_unavailable", "down");
          },
        },
      },
    });
    const token = await mintToken(claims(), gw.keys.eddsa);
    await expectProblem(await failing.post("/v1/inspect", { token }), 503, "keys_unavailable");
  });
});
