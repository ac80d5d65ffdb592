/**
 * @module Counters in the Prometheus text format (`GET /metrics`). Labels
 * never carry tokens, subjects or idempotency keys (`spec/oct.md` §7.11).
 */
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";

export class Metrics {
  private readonly counters = new Map<string, number>();
  private readonly help = new Map<string, string>();

  count(name: string, labels: Record<string, string>, help: string, by = 1): void {
    this.help.set(name, help);
    const key = `${name}{${Object.entries(labels)
      .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, "_")}"`)
      .join(",")}}`;
    this.counters.set(key, (this.counters.get(key) ?? 0) + by);
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, help] of this.help) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [key, value] of this.counters)
        if (key.startsWith(`${name}{`)) lines.push(`${key} ${value}`);
    }
    return lines.join("\n") + "\n";
  }
}

/** Counts every request by method, matched route and status. */
export function countRequests(metrics: Metrics): MiddlewareHandler {
  return async (c, next) => {
    await next();
    metrics.count(
      "oct_http_requests_total",
      { method: c.req.method, route: routePath(c) || "unmatched", status: String(c.res.status) },
      "HTTP requests by method, route and status",
    );
  };
}
