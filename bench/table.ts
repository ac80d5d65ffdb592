/**
 * @module The one table the run prints (Markdown, so it pastes into
 * bench/README.md as is): every figure with its ratio and its target.
 */
import type { CpuResults } from "./cpu/phase.ts";
import { ALGORITHMS } from "./fixtures.ts";
import type { HttpRow, Ratio } from "./http-phase.ts";
import type { Target } from "./targets.ts";

const COLUMNS = [
  "#",
  "measurement",
  "subject",
  "per second",
  "ratio",
  "p50 µs",
  "p99 µs",
  "failed",
  "target",
];
const RIGHT = new Set(["per second", "ratio", "p50 µs", "p99 µs", "failed"]);

const whole = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "-");
const two = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : "-");
const verdict = (t: Target | undefined) => (t ? `${t.target}: ${t.met ? "met" : "MISSED"}` : "");

const ITEM: Record<string, string> = {
  bare: "3",
  verify: "3",
  "verify-cold": "3",
  "redeem-spread": "4",
  "redeem-hot": "4",
};

export function renderTable(
  cpu: CpuResults | undefined,
  rows: HttpRow[],
  ratios: Ratio[],
  targets: Target[],
): string {
  const target = (id: string) => targets.find((t) => t.id === id);
  const ratio = (id: string) => ratios.find((r) => r.id === id)?.median;
  const lines: string[][] = [];
  if (cpu) {
    for (const alg of ALGORITHMS) {
      const m = cpu[alg].median;
      lines.push([
        "1",
        `limit: crypto.verify ${alg}`,
        "node:crypto, 1 core",
        whole(m.limit),
        "1",
        "",
        "",
        "",
        "",
      ]);
      lines.push([
        "2",
        `core: verifyToken ${alg}`,
        "Web Crypto port (default)",
        whole(m.core_webcrypto),
        `${two(m.core_webcrypto_ratio)} of limit`,
        "",
        "",
        "",
        verdict(target(`core.${alg}`)),
      ]);
      lines.push([
        "2",
        `core: verifyToken ${alg}`,
        "node:crypto port",
        whole(m.core_node),
        `${two(m.core_node_ratio)} of limit`,
        "",
        "",
        "",
        verdict(target(`core-port.${alg}`)),
      ]);
      lines.push([
        "2",
        `reference: jose jwtVerify ${alg}`,
        "jose alone, no OCT checks",
        whole(m.jose),
        `${two(m.jose_ratio)} of limit`,
        "",
        "",
        "",
        "",
      ]);
    }
  }
  for (const row of rows) {
    const server = row.id.split(".")[0]!;
    const peer = server === "express" || server.startsWith("fast-jwt");
    const item = peer ? "6" : server === "workerd" ? "5" : (ITEM[row.operation] ?? "");
    const name =
      row.operation === "bare"
        ? `bare: GET ${row.path}`
        : row.operation === "verify"
          ? `HTTP verify ${row.alg}, hot: one token`
          : row.operation === "verify-cold"
            ? `HTTP verify ${row.alg}, cold: new token each`
            : row.operation === "redeem-spread"
              ? "redeem, spread over many tokens"
              : "redeem, one hot token";
    const toBare = ratio(`${row.id}/bare`);
    const toPeers = ratio(`${row.id}/peers`);
    const p99ToPeers = ratio(`${row.id}/peers-p99`);
    const parts: string[] = [];
    if (toBare !== undefined) parts.push(`${two(toBare)} of bare`);
    if (toPeers !== undefined) parts.push(`${two(toPeers)} of peer`);
    if (p99ToPeers !== undefined) parts.push(`p99 ${two(p99ToPeers)} of peer`);
    const ratioText = parts.join(", ");
    const verdicts = [
      target(`${row.id}.p99`),
      target(`${row.id}.failed`),
      target(`${row.id}/peers`),
      target(`${row.id}/peers-p99`),
    ]
      .filter((t) => t !== undefined)
      .map(verdict)
      .join("; ");
    const clientBound = row.median.client_cpu > 0.9 ? " (client-bound)" : "";
    lines.push([
      item,
      name,
      row.runtime,
      whole(row.median.rps) + clientBound,
      ratioText,
      whole(row.median.p50_us),
      whole(row.median.p99_us),
      String(row.failed),
      verdicts,
    ]);
  }
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) =>
    `| ${cells.map((cell, i) => (RIGHT.has(COLUMNS[i]!) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join(" | ")} |`;
  const rule = `| ${widths.map((w, i) => (RIGHT.has(COLUMNS[i]!) ? "-".repeat(w - 1) + ":" : "-".repeat(w))).join(" | ")} |`;
  return [format(COLUMNS), rule, ...lines.map(format)].join("\n");
}
