/**
 * @module Discovery: `GET /.well-known/oct-gateway` (`spec/oct.md` §7.1) and
 * `GET /healthz`.
 */
import { Hono } from "hono";
import { unitIds } from "../../core/units/registry.ts";
import type { GatewayEnv } from "../env.ts";
import type { GatewayPorts } from "../ports.ts";

export const SUPPORTED_VERSIONS = ["0.1"];

export function metadataRoutes(ports: GatewayPorts): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  const { network } = ports;
  const metadata = {
    gateway: network.gatewayId,
    versions: SUPPORTED_VERSIONS,
    units: unitIds(),
    issuers: network.carriers.map((c) => ({
      carrier: c.id,
      issuer: c.issuer,
      algorithms: c.algorithms,
      status: c.status,
    })),
    providers: network.providers.map((p) => ({ id: p.id, units: p.units })),
  };
  app.get("/.well-known/oct-gateway", (c) => c.json(metadata));
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  return app;
}
