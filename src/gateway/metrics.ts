/**
 * @module Counters in the Prometheus text format (`GET /metrics`). Labels
 * never carry tokens, subjects or idempotency keys (`spec/oct.md` §7.11).
 */
import type { MiddlewareHandler } from "hono";
import type { Context } from "hono";
import { matchedRoutes } from "hono/route";
import type { GatewayEnv } from "./env.ts";

export class Metrics {
  private readonly counters = new Map<string, number>();
  private readonly help = new Map<string, string>();

  /** Each series' text by its name and labels, made once: counting is on every request. */
  private readonly series = new Map<string, string>();

  count(name: string, labels: Record<string, string>, help: string, by = 1): void {
    let lookup = name;
    for (const label in labels) lookup += `\0${label}\0${labels[label]}`;
    let key = this.series.get(lookup);
    if (key === undefined) {
      this.help.set(name, help);
      key = `${name}{${Object.entries(labels)
        .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, "_")}"`)
        .join(",")}}`;
      this.series.set(lookup, key);
    }
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

/**
 * The endpoint a request matched (the last matched route that is not
 * middleware), wherever in the chain its answer was decided.
 */
function routeOf(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    if (routes[i]!.method !== "ALL") return routes[i]!.path;
  }
  return "unmatched";
}

/**
 * Counts every answered request by method, matched route and status, and
 * apart from them the requests their clients abandoned: a burst of slow
 * clients that give up is not a burst of gateway errors.
 */
export function countRequests(metrics: Metrics): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    await next();
    const route = routeOf(c);
    if (c.get("clientAborted")) {
      metrics.count(
        "oct_http_client_aborts_total",
        { method: c.req.method, route },
        "HTTP requests abandoned by their client before the answer, by method and route",
      );
      return;
    }
    metrics.count(
      "oct_http_requests_total",
      { method: c.req.method, route, status: String(c.res.status) },
      "HTTP requests by method, route and status",
    );
  };
}
