/**
 * The suite's self-test: deliberately weakened gateways
 * (`test/support/weakened-gateways.ts`), each breaking one requirement of
 * the spec from the outside, and each failed by the suite on the case
 * named as catching it; and every testable MUST of sections 5 to 10 broken
 * by one of them, or said in the index to be unbreakable from outside.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toMatrixHtml } from "../../../conformance/runner/reports/html.ts";
import { toJunit } from "../../../conformance/runner/reports/junit.ts";
import { loadRequirements, testableLevels } from "../../../conformance/runner/requirements.ts";
import { runGatewaySuite } from "../../../conformance/runner/run.ts";
import type { Report } from "../../../conformance/runner/types.ts";
import { nodePorts } from "../../../src/runtime/node-ports.ts";
import { conformanceNetwork } from "../../support/conformance.ts";
import { serveApp } from "../../support/serve.ts";
import { WEAKENED_GATEWAYS, type WeakenedGateway } from "../../support/weakened-gateways.ts";

const requirements = loadRequirements();

/** The suite's report on a weakened gateway, run on the cases that concern it. */
async function judge(variant: WeakenedGateway): Promise<Report> {
  const net = await conformanceNetwork();
  const gateway = await serveApp(
    variant.build(nodePorts({ network: net.network, dbPath: ":memory:" })),
  );
  try {
    return await runGatewaySuite({
      url: gateway.url,
      name: variant.name,
      only: variant.run ?? [variant.caughtBy],
      callback: net.callback,
    });
  } finally {
    await gateway.close();
  }
}

const reports = new Map<string, Report>();

describe.concurrent("each weakened gateway is failed on the case that catches it", () => {
  it.each(WEAKENED_GATEWAYS.map((variant) => [variant.name, variant] as const))(
    "%s",
    async (_name, variant) => {
      const report = await judge(variant);
      reports.set(variant.name, report);
      const caught = report.results.find((r) => r.id === variant.caughtBy);
      expect(caught, `${variant.caughtBy} was not run`).toBeDefined();
      expect(
        caught!.status,
        `${variant.name} breaks ${variant.requirement} (${variant.breaks}), yet ${variant.caughtBy} passed`,
      ).toBe("fail");
      expect(caught!.level).toBe("MUST");
      expect(caught!.requirements).toContain(variant.requirement);
      expect(report.summary.conformant).toBe(false);
    },
    60_000,
  );
});

describe("the self-test's reach", () => {
  it("breaks every testable MUST of sections 5 to 10, or the index says why no variant can", () => {
    const broken = new Set(WEAKENED_GATEWAYS.map((v) => v.requirement));
    const missing = requirements
      .filter((r) => {
        const section = Number(r.section.split(".")[0]);
        return section >= 5 && section <= 10 && testableLevels(r).includes("MUST");
      })
      .filter((r) => !broken.has(r.id) && !r.unbreakable)
      .map((r) => `${r.id} (§${r.section}): ${r.sentence}`);
    expect(missing).toEqual([]);
  });

  it("names requirements the index has, and gives unbreakable only to those no variant breaks", () => {
    const byId = new Map(requirements.map((r) => [r.id, r]));
    for (const variant of WEAKENED_GATEWAYS)
      expect(byId.has(variant.requirement), variant.name).toBe(true);
    const broken = new Set(WEAKENED_GATEWAYS.map((v) => v.requirement));
    expect(requirements.filter((r) => r.unbreakable && broken.has(r.id)).map((r) => r.id)).toEqual(
      [],
    );
  });

  it("reports a weakened gateway's failure with the case, its requirements, what was sent and received", () => {
    const report = reports.get("no-signature-check")!;
    const failure = report.results.find((r) => r.status === "fail")!;
    expect(failure.requirements).toContain("R-6an2f");
    expect(failure.exchanges[0]!.request.url).toContain("/v1/verify");
    expect(failure.received).toBeDefined();
    expect(toJunit(report)).toContain("<failure");
    const matrix = toMatrixHtml([report, reports.get("no-request-ids")!]);
    writeFileSync(join(mkdtempSync(join(tmpdir(), "oct-matrix-")), "matrix.html"), matrix);
    expect(matrix).toContain("no-signature-check");
    expect(matrix).toContain("✗ fail");
  });
});
