/**
 * @module `GET /v1/settlements` (`spec/oct.md` §7.10, §10): the signed
 * report of who owes whom for a period, as JSON or CSV.
 */
import { Hono } from "hono";
import { OctError } from "../../core/errors.ts";
import {
  reportCsv,
  signedReport,
  totalsOf,
  type SettlementQuery,
} from "../../core/settlement/report.ts";
import { ceilMilliseconds, compareInstants, parseTimestamp } from "../../core/time/timestamp.ts";
import type { GatewayEnv } from "../env.ts";
import type { GatewayPorts } from "../ports.ts";

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const PARAMETERS = new Set(["from", "to", "carrier", "provider", "format"]);

function parseQuery(
  url: URL,
): SettlementQuery & { format: "json" | "csv"; fromText: string; toText: string } {
  const seen = new Set<string>();
  for (const name of url.searchParams.keys()) {
    if (!PARAMETERS.has(name))
      throw new OctError("request_invalid", `unknown query parameter ${name}`);
    if (seen.has(name))
      throw new OctError("request_invalid", `the query parameter ${name} is repeated`);
    seen.add(name);
  }
  const get = (name: string) => url.searchParams.get(name) ?? undefined;
  const time = (name: "from" | "to") => {
    const text = get(name);
    const instant = text === undefined ? undefined : parseTimestamp(text);
    if (instant === undefined)
      throw new OctError(
        "request_invalid",
        `${name} must be an RFC 3339 UTC timestamp of a real instant, such as 2026-12-01T00:00:00Z`,
      );
    return { text: text!, instant };
  };
  const from = time("from");
  const to = time("to");
  if (compareInstants(from.instant, to.instant) > 0)
    throw new OctError("request_invalid", "from must not be later than to");
  const carrier = get("carrier");
  const provider = get("provider");
  for (const [name, value] of [
    ["carrier", carrier],
    ["provider", provider],
  ] as const) {
    if (value !== undefined && !SLUG.test(value))
      throw new OctError("request_invalid", `${name} must be an id such as carrier-a`);
  }
  const format = get("format") ?? "json";
  if (format !== "json" && format !== "csv")
    throw new OctError("request_invalid", "format must be json or csv");
  // Entries are kept in whole milliseconds: from <= t and t < to hold for such
  // a t exactly when they hold for the bounds rounded up to the millisecond.
  return {
    from: ceilMilliseconds(from.instant),
    to: ceilMilliseconds(to.instant),
    fromText: from.text,
    toText: to.text,
    format,
    ...(carrier !== undefined ? { carrier } : {}),
    ...(provider !== undefined ? { provider } : {}),
  };
}

export function settlementRoutes(ports: GatewayPorts): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get("/v1/settlements", async (c) => {
    const query = parseQuery(new URL(c.req.url));
    const sums = await ports.settlements.sums(query);
    const report = {
      gateway: ports.network.gatewayId,
      period: { from: query.fromText, to: query.toText },
      generated_at: new Date(ports.clock.now()).toISOString(),
      totals: totalsOf(sums),
    };
    if (query.format === "csv") {
      return c.body(reportCsv(report), 200, {
        "content-type": "text/csv; charset=utf-8; header=present",
      });
    }
    return c.json(await signedReport(report, await ports.receiptKeys.signingKey()));
  });
  return app;
}
