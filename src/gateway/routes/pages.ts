/**
 * @module The pages served by the gateway, for people who would rather look
 * than read: `GET /` the token inspector (over `POST /v1/inspect`),
 * `GET /docs` the API reference, rendered from `GET /openapi.json`, the
 * OpenAPI 3.1 document generated from `spec/`.
 */
import { Hono } from "hono";
import { OPENAPI } from "../../generated/openapi.ts";
import type { GatewayEnv } from "../env.ts";
import { DOCS_HTML } from "../pages/docs.ts";
import { INSPECTOR_HTML } from "../pages/inspector.ts";
import { htmlPage } from "../pages/page.ts";

export function pageRoutes(): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get("/", htmlPage(INSPECTOR_HTML));
  app.get("/docs", htmlPage(DOCS_HTML));
  app.get("/openapi.json", (c) => c.json(OPENAPI, 200, { "access-control-allow-origin": "*" }));
  return app;
}
