/**
 * @module The gateway as a Hono app, built by a factory from its ports: the
 * same app serves Node.js and Cloudflare Workers.
 */
import { Hono } from "hono";
import { methodNotAllowed } from "hono/method-not-allowed";
import { requestId } from "hono/request-id";
import { OctError } from "../core/errors.ts";
import { limitBody } from "./body-limit.ts";
import type { GatewayEnv } from "./env.ts";
import type { GatewayPorts } from "./ports.ts";
import { onError, problem } from "./problem.ts";
import { countRequests, Metrics } from "./metrics.ts";
import { federationRoutes } from "./routes/federation.ts";
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
  const bodyLimit = limitBody(maxBody, (c) =>
    problem(c, "payload_too_large", `the body is larger than ${maxBody} bytes`),
  );
  // The rules of spec §7.1 before routing, on every path, as one middleware
  // (each layer of Hono's chain costs every request): under /v1/ the answer
  // is not to be stored; then, in order, the body's size and a token in the
  // query; then routing, then each route's own checks.
  app.use((c, next) => {
    // Set before the answer is made, so that every answer under /v1/ is made
    // with it (a problem by its path, `problemResponse`): set on an answer
    // already made, Hono would rebuild it around its body as a stream, and
    // @hono/node-server write it out the slow way.
    if (c.req.path.startsWith("/v1/")) c.header("cache-control", "no-store");
    return bodyLimit(c, async () => {
      // Tokens are credentials: never in a URL, where logs and caches keep them.
      if (c.req.query("token") !== undefined) {
        throw new OctError("request_invalid", "tokens are accepted only in the JSON body");
      }
      await next();
    });
  });

  app.route("/", metadataRoutes(ports, metrics));
  app.route("/", verifyRoutes(ports));
  app.route("/", redemptionRoutes(ports, metrics));
  app.route("/", redemptionListRoutes(ports));
  app.route("/", settlementRoutes(ports));
  if (ports.grants)
    app.route("/", federationRoutes({ ...ports, ledger: ports.grants, proofs: ports.ledger }));
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
  app.onError(onError(ports.logger));
  return app;
}
