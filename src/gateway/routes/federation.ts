/**
 * @module The endpoints between gateways (`spec/oct.md` §11.1): a token's
 * home answers grant requests and usage reports; either side shows a grant
 * by id and signs grant reports for a period.
 */
import { Hono } from "hono";
import { OctError } from "../../core/errors.ts";
import { DOCUMENT_TYPES } from "../../core/federation/documents.ts";
import {
  grantReport,
  grantRequest,
  issuedGrantResource,
  usageReport,
  type HomeDeps,
} from "../../core/federation/home-service.ts";
import { grantResourceOf } from "../../core/federation/records.ts";
import { tokenKeyInGrantId } from "../../core/federation/ids.ts";
import { readJwsBody } from "../body.ts";
import type { GatewayEnv } from "../env.ts";
import { readPeriodQuery } from "../query.ts";

const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[!-~]+$/;

export function federationRoutes(deps: HomeDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();

  app.post("/v1/grants", async (c) => {
    const body = await readJwsBody(c, `application/${DOCUMENT_TYPES["grant-request"]}`);
    const grant = await grantRequest(deps, body);
    c.header("location", `/v1/grants/${grant.id}`);
    return c.json(grant, 201);
  });

  app.post("/v1/grants/:id/usage", async (c) => {
    const body = await readJwsBody(c, `application/${DOCUMENT_TYPES.usage}`);
    return c.json(await usageReport(deps, body, c.req.param("id")));
  });

  app.get("/v1/grants/:id", async (c) => {
    const id = c.req.param("id");
    const issued = await issuedGrantResource(deps, id);
    if (issued) return c.json(issued);
    // A grant this gateway holds as a visited gateway: found by the token it names.
    const held = await heldResource(deps, id);
    if (held) return c.json(held);
    throw new OctError("not_found", `no grant ${id}`);
  });

  app.get("/v1/grants", async (c) => {
    const query = readPeriodQuery(new URL(c.req.url), ["peer"]);
    const peer = query.get("peer");
    if (peer !== undefined && !URI.test(peer))
      throw new OctError("request_invalid", "peer must be a gateway id (an absolute URI)");
    const report = await grantReport(
      deps,
      { from: query.fromText, to: query.toText, fromMs: query.from, toMs: query.to },
      peer,
    );
    return c.json(report);
  });

  return app;
}

/**
 * A grant this gateway holds, by id: routed by the token key a grant id of
 * an OCT home carries (`gt.<token key>.…`), as the home routes it.
 */
async function heldResource(deps: HomeDeps, id: string) {
  const tokenKey = tokenKeyInGrantId(id);
  const record = tokenKey && (await deps.ledger.heldGrant(tokenKey, id));
  return record ? grantResourceOf(record) : undefined;
}
