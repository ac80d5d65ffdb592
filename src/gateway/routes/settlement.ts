/**
 * @module `GET /v1/settlements` (`spec/oct.md` §7.10, §10): the signed
 * report of who owes whom for a period, as JSON or CSV, to the party it
 * concerns (§7.13): a carrier or a provider sees its own entries only.
 */
import { Hono } from "hono";
import { OctError } from "../../core/errors.ts";
import { withinReach } from "../../core/party/party.ts";
import {
  reportCsv,
  signedReport,
  totalsOf,
  type SettlementQuery,
} from "../../core/settlement/report.ts";
import type { GatewayEnv } from "../env.ts";
import { requireParty } from "../party-auth.ts";
import type { GatewayPorts } from "../ports.ts";
import { readPeriodQuery, slugParameter } from "../query.ts";

function parseQuery(
  url: URL,
): SettlementQuery & { format: "json" | "csv"; fromText: string; toText: string } {
  const { get, ...period } = readPeriodQuery(url, ["carrier", "provider", "format"]);
  const carrier = slugParameter("carrier", get("carrier"));
  const provider = slugParameter("provider", get("provider"));
  const format = get("format") ?? "json";
  if (format !== "json" && format !== "csv")
    throw new OctError("request_invalid", "format must be json or csv");
  return {
    ...period,
    format,
    ...(carrier !== undefined ? { carrier } : {}),
    ...(provider !== undefined ? { provider } : {}),
  };
}

export function settlementRoutes(ports: GatewayPorts): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get("/v1/settlements", requireParty(ports), async (c) => {
    const query = withinReach(c.get("party")!, parseQuery(new URL(c.req.url)));
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
