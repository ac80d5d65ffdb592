/**
 * @module `POST /v1/inspect` (`spec/oct.md` §7.12, OPTIONAL): a token
 * explained step by step, for the inspector page. A refused token is a normal
 * answer; only a bad request or unreachable keys are problems.
 */
import { Hono } from "hono";
import { validateInspectRequest } from "../../generated/validators.js";
import { readJsonBody } from "../body.ts";
import type { GatewayEnv } from "../env.ts";
import { inspectToken } from "../../core/inspection/inspect.ts";
import type { GatewayPorts } from "../ports.ts";

export function inspectRoutes(ports: GatewayPorts): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.post("/v1/inspect", async (c) => {
    const { value } = await readJsonBody(c, validateInspectRequest);
    return c.json(await inspectToken(value.token, ports));
  });
  return app;
}
