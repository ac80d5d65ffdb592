/**
 * @module The gateway as a Hono app, built by a factory from its ports: the
 * same app serves Node.js and Cloudflare Workers.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { methodNotAllowed } from "hono/method-not-allowed";
import { requestId } from "hono/request-id";
import { OctError } from "../core/errors.ts";
import type { GatewayEnv } from "./env.ts";
import type { GatewayPorts } from "./ports.ts";
import { onError, problem } from "./problem.ts";
import { countRequests, Metrics } from "./metrics.ts";
import { inspectRoutes } from "./routes/inspect.ts";
import { metadataRoutes } from "./routes/metadata.ts";
import { pageRoutes } from "./routes/pages.ts";
import { redemptionListRoutes } from "./routes/redemption-list.ts";
import { redemptionRoutes } from "./routes/redemption.ts";
import { settlementRoutes } from "./routes/settlement.ts";
import { verifyRoutes } from "./routes/verify.ts";

/**
 * Builds the gateway app.
 *
 * @example
 * const app = createGateway({ network, keys, clock, ledger, receiptKeys, adapterFor, settlements });
 * const response = await app.request("/healthz");
 */
export function createGateway(ports: GatewayPorts): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  const maxBody = ports.network.limits.body_max_bytes;
  const metrics = new Metrics();

  app.use(requestId());
  app.use(countRequests(metrics));
  app.use(async (c, next) => {
    if (ports.logger) c.set("logger", ports.logger);
    await next();
  });
  // Outermost, so that every answer under /v1/, refusals included, gets it.
  app.use("/v1/*", async (c, next) => {
    await next();
    c.header("cache-control", "no-store");
  });
  // The order of checks of spec §7.1, on every path: the body's size, a
  // token in the query, then routing, then each route's own checks.
  app.use(
    bodyLimit({
      maxSize: maxBody,
      onError: (c) => problem(c, "payload_too_large", `the body is larger than ${maxBody} bytes`),
    }),
  );
  app.use(async (c, next) => {
    // Tokens are credentials: never in a URL, where logs and caches keep them.
    if (c.req.query("token") !== undefined) {
      throw new OctError("request_invalid", "tokens are accepted only in the JSON body");
    }
    await next();
  });

  app.route("/", metadataRoutes(ports, metrics));
  app.route("/", verifyRoutes(ports));
  app.route("/", redemptionRoutes(ports, metrics));
  app.route("/", redemptionListRoutes(ports));
  app.route("/", settlementRoutes(ports));
  app.route("/", inspectRoutes(ports));
  app.route("/", pageRoutes());

  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, allowed) => {
        const response = problem(c, "method_not_allowed", `use ${allowed.join(", ")}`);
        response.headers.set("allow", allowed.join(", "));
        return response;
      },
    }),
  );
  app.notFound((c) => problem(c, "not_found", `no resource at ${c.req.path}`));
  app.onError(onError);
  return app;
}
