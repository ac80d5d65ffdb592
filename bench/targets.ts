/**
 * @module The targets, judged on the medians: core verification at
 * least 0.8 of the limit (EdDSA, ES256), HTTP verify p99 under 1 ms,
 * redemption p99 under 3 ms with no failed request, and our verify
 * throughput at least the faster peer's.
 */
import type { CpuResults } from "./cpu/phase.ts";
import type { HttpRow, Ratio, RatioSpec } from "./http-phase.ts";

export interface Target {
  id: string;
  what: string;
  target: string;
  value: number;
  met: boolean;
}

/** The throughput ratios the run takes, each within one run. */
export function ratioSpecs(): RatioSpec[] {
  const specs: RatioSpec[] = [];
  for (const server of ["node", "node-port", "workerd"]) {
    const bare = server === "workerd" ? "workerd.bare" : "node.bare";
    for (const alg of ["EdDSA", "ES256"]) {
      specs.push({
        id: `${server}.verify.${alg}/bare`,
        what: `verify ${alg} req/s over the bare endpoint's`,
        numerator: `${server}.verify.${alg}`,
        denominators: [bare],
      });
    }
  }
  for (const server of ["node", "node-port"]) {
    specs.push({
      id: `${server}.verify.ES256/peers`,
      what: "verify ES256 req/s over the faster peer's",
      numerator: `${server}.verify.ES256`,
      denominators: ["express.verify.ES256", "fast-jwt.verify.ES256"],
    });
    specs.push({
      id: `${server}.verify.EdDSA/peers`,
      what: "verify EdDSA req/s over the peer's (fast-jwt; jsonwebtoken has no EdDSA)",
      numerator: `${server}.verify.EdDSA`,
      denominators: ["fast-jwt.verify.EdDSA"],
    });
  }
  return specs;
}

export function judgeTargets(
  cpu: CpuResults | undefined,
  rows: HttpRow[],
  ratios: Ratio[],
): Target[] {
  const targets: Target[] = [];
  const at = (id: string, what: string, target: string, value: number, met: boolean) =>
    targets.push({ id, what, target, value, met });
  for (const alg of ["EdDSA", "ES256"] as const) {
    const figures = cpu?.[alg].median;
    if (!figures) continue;
    at(
      `core.${alg}`,
      `core ${alg}, Web Crypto port (default)`,
      ">= 0.8 of limit",
      figures.core_webcrypto_ratio,
      figures.core_webcrypto_ratio >= 0.8,
    );
    at(
      `core-port.${alg}`,
      `core ${alg}, node:crypto port`,
      ">= 0.8 of limit",
      figures.core_node_ratio,
      figures.core_node_ratio >= 0.8,
    );
  }
  for (const row of rows) {
    const server = row.id.split(".")[0];
    if (server !== "node" && server !== "node-port" && server !== "workerd") continue;
    if (row.operation === "verify" && server !== "workerd") {
      at(
        `${row.id}.p99`,
        `HTTP verify ${row.alg}, ${row.runtime}`,
        "p99 < 1000 µs",
        row.median.p99_us,
        row.median.p99_us < 1000,
      );
    }
    if (row.operation.startsWith("redeem")) {
      if (server === "node") {
        at(
          `${row.id}.p99`,
          `${row.operation}, ${row.runtime}`,
          "p99 < 3000 µs",
          row.median.p99_us,
          row.median.p99_us < 3000,
        );
      }
      at(
        `${row.id}.failed`,
        `${row.operation}, ${row.runtime}`,
        "0 failed requests",
        row.failed,
        row.failed === 0,
      );
    }
  }
  for (const ratio of ratios) {
    if (!ratio.id.endsWith("/peers")) continue;
    at(ratio.id, ratio.what, "req/s >= faster peer's", ratio.median, ratio.median >= 1);
  }
  return targets;
}
