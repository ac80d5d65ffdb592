/**
 * @module The pages served by the gateway, for people who would rather look
 * than read: `GET /` the token inspector (over `POST /v1/inspect`, or
 * offline with the bundled verification of `/inspector/offline.js`),
 * `GET /docs` the API reference (Scalar's renderer, bundled) of
 * `GET /openapi.json`, the OpenAPI 3.1 document generated from `spec/`,
 * whose `servers` name the origin that serves it.
 */
import { Hono } from "hono";
import { OPENAPI } from "../../generated/openapi.ts";
import type { GatewayEnv } from "../env.ts";
import { API_REFERENCE_BUNDLE } from "../pages/assets/api-reference.js";
import { gzipAsset } from "../pages/asset.ts";
import { API_REFERENCE_SCRIPT, DOCS_HTML } from "../pages/docs.ts";
import { OFFLINE_INSPECT_BUNDLE } from "../pages/assets/offline-inspect.js";
import { INSPECTOR_HTML, OFFLINE_SCRIPT } from "../pages/inspector.ts";
import { htmlPage } from "../pages/page.ts";

/** The document as served: its server is the origin it was requested from. */
function servedDocument(origin: string): Record<string, unknown> {
  return {
    ...OPENAPI,
    servers: [{ url: origin, description: "This gateway (the origin serving this document)" }],
  };
}

export function pageRoutes(): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get("/", htmlPage(INSPECTOR_HTML, { selfScripts: true }));
  app.get(
    OFFLINE_SCRIPT,
    gzipAsset({ ...OFFLINE_INSPECT_BUNDLE, contentType: "text/javascript; charset=utf-8" }),
  );
  app.get("/docs", htmlPage(DOCS_HTML, { selfScripts: true, inlineStyles: true }));
  app.get(
    API_REFERENCE_SCRIPT,
    gzipAsset({ ...API_REFERENCE_BUNDLE, contentType: "text/javascript; charset=utf-8" }),
  );
  app.get("/openapi.json", (c) =>
    c.json(servedDocument(new URL(c.req.url).origin), 200, {
      "access-control-allow-origin": "*",
    }),
  );
  return app;
}
