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
import type { GatewayEnv } from "../env.ts";
import { readPeriodQuery } from "../period-query.ts";
import type { GatewayPorts } from "../ports.ts";

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

function parseQuery(
  url: URL,
): SettlementQuery & { format: "json" | "csv"; fromText: string; toText: string } {
  const { from, to, fromText, toText, get } = readPeriodQuery(url, [
    "carrier",
    "provider",
    "format",
  ]);
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
  return {
    from,
    to,
    fromText,
    toText,
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
