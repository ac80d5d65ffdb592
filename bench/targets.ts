/**
 * @module The targets, judged on the medians: core verification at
 * least 0.8 of the limit (EdDSA, ES256), HTTP verify p99 under 1 ms,
 * redemption p99 under 3 ms with no failed request, and, hot and cold, our
 * verify throughput at least the faster peer's and our p99 one request at a
 * time at most 1.1 of the peer's.
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

/**
 * The ratios the run takes, each within one run: verify over bare; and
 * against the peers configured as we are, on the same tokens: the hot path
 * (one token repeated) against fast-jwt with its verified-token cache on,
 * the cold path (a new token each request) against the faster of fast-jwt
 * with its cache off and, for ES256, Express + jsonwebtoken; in throughput
 * and in p99 one request at a time.
 */
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
    for (const alg of ["EdDSA", "ES256"]) {
      const peers = {
        hot: [`fast-jwt-cache.verify.${alg}`],
        cold: [
          `fast-jwt.verify-cold.${alg}`,
          ...(alg === "ES256" ? ["express.verify-cold.ES256"] : []),
        ],
      };
      for (const path of ["hot", "cold"] as const) {
        const numerator = `${server}.${path === "hot" ? "verify" : "verify-cold"}.${alg}`;
        const against =
          path === "hot" ? "fast-jwt with its cache on" : "the faster peer with no cache";
        specs.push({
          id: `${numerator}/peers`,
          what: `${path} verify ${alg} req/s over ${against}'s`,
          numerator,
          denominators: peers[path],
        });
        specs.push({
          id: `${numerator}/peers-p99`,
          what: `${path} verify ${alg} p99 one at a time over ${against}'s`,
          numerator,
          denominators: peers[path],
          measure: "p99",
        });
      }
    }
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
    if (row.operation.startsWith("verify") && server !== "workerd") {
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
  // Against the peers, what `npm start` runs: the node:crypto port.
  for (const ratio of ratios) {
    if (!ratio.id.startsWith("node-port.")) continue;
    if (ratio.id.endsWith("/peers")) {
      at(ratio.id, ratio.what, "req/s >= 1.0 of peer's", ratio.median, ratio.median >= 1);
    } else if (ratio.id.endsWith("/peers-p99")) {
      at(ratio.id, ratio.what, "p99 <= 1.1 of peer's", ratio.median, ratio.median <= 1.1);
    }
  }
  return targets;
}
