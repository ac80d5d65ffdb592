import { describe, expect, it } from "vitest";
import { asParty, claims, mintToken } from "../../support/network.ts";
import { testGateway } from "../../support/gateway.ts";

describe("GET /metrics", () => {
  it("counts requests and redemptions in the Prometheus text format, with no token in any label", async () => {
    const gw = await testGateway();
    const token = await mintToken(claims(), gw.keys.eddsa);
    await gw.post("/v1/verify", { token });
    await gw.redeem(
      { token, provider: "carrier-b-edge", amount: "10", unit: "gpu-second:a100-sxm" },
      "m-1",
    );
    await gw.redeem(
      { token, provider: "carrier-b-edge", amount: "10", unit: "gpu-second:a100-sxm" },
      "m-1",
    );
    const response = await gw.get("/metrics", await asParty("operator:ops", gw.keys.operator));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toContain("# TYPE oct_http_requests_total counter");
    expect(text).toMatch(
      /oct_http_requests_total\{method="POST",route="\/v1\/verify",status="200"\} 1/,
    );
    expect(text).toContain('oct_redemptions_total{outcome="committed"} 1');
    expect(text).toContain('oct_redemptions_total{outcome="replayed"} 1');
    expect(text).not.toContain(token.slice(0, 20));
    expect(text).not.toContain("m-1");
  });

  it("labels a request with its endpoint wherever its answer was decided, and an unknown path as unmatched", async () => {
    const gw = await testGateway();
    await gw.post("/v1/verify", "x".repeat(20_000));
    await gw.get("/no/such/path");
    await gw.get("/v1/redemptions/rd_unknown");
    const text = await (
      await gw.get("/metrics", await asParty("operator:ops", gw.keys.operator))
    ).text();
    expect(text).toContain(
      'oct_http_requests_total{method="POST",route="/v1/verify",status="413"} 1',
    );
    expect(text).toContain(
      'oct_http_requests_total{method="GET",route="unmatched",status="404"} 1',
    );
    expect(text).toContain(
      'oct_http_requests_total{method="GET",route="/v1/redemptions/:id",status="404"} 1',
    );
  });
});
