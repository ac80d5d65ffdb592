/**
 * @module Discovery: `GET /.well-known/oct-gateway` (`spec/oct.md` §7.3),
 * `GET /.well-known/jwks.json` (§7.4), `GET /healthz` and `GET /metrics`,
 * the last for the gateway's operators only (§7.11, §7.13).
 */
import { Hono } from "hono";
import { requireOperator } from "../../core/party/party.ts";
import { publicJwks } from "../../core/signing/keys.ts";
import { unitIds } from "../../core/units/registry.ts";
import type { GatewayEnv } from "../env.ts";
import type { Metrics } from "../metrics.ts";
import { requireParty } from "../party-auth.ts";
import type { GatewayPorts } from "../ports.ts";
import { publicUrlOf } from "../public-url.ts";

export const SUPPORTED_VERSIONS = ["0.1"];
const JWKS_PATH = "/.well-known/jwks.json";

export function metadataRoutes(ports: GatewayPorts, metrics: Metrics): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  const { network } = ports;
  const receiptJwks = async () => publicJwks(await ports.receiptKeys.allKeys());

  app.get("/.well-known/oct-gateway", async (c) =>
    c.json({
      gateway: network.gatewayId,
      versions: SUPPORTED_VERSIONS,
      units: unitIds(),
      issuers: network.carriers.map((carrier) => ({
        carrier: carrier.id,
        issuer: carrier.issuer,
        algorithms: carrier.algorithms,
        status: carrier.status,
      })),
      providers: network.providers.map((p) => ({ id: p.id, units: p.units })),
      jwks_uri: publicUrlOf(c, network, JWKS_PATH),
      receipt_jwks: await receiptJwks(),
    }),
  );
  app.get(JWKS_PATH, async (c) => c.json(await receiptJwks()));
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/metrics", requireParty(ports), (c) => {
    requireOperator(c.get("party")!, "the metrics");
    return c.text(metrics.render(), 200, { "content-type": "text/plain; version=0.0.4" });
  });
  return app;
}
