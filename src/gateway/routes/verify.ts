/**
 * @module `POST /v1/verify` (`spec/oct.md` §7.3): is this token good here?
 * A refused token is a normal answer (`valid: false` and its code); only a
 * bad request or unreachable keys are problems.
 */
import { Hono } from "hono";
import { OctError } from "../../core/errors.ts";
import { balanceHere } from "../../core/federation/balance.ts";
import { isHolderProofRefusal, mayReveal } from "../../core/holder/binding.ts";
import { isUnavailable, verifyToken } from "../../core/token/verify.ts";
import { validateVerifyRequest } from "../../generated/validators.js";
import { readJsonBody } from "../body.ts";
import { holderRequestOf } from "../holder-proof.ts";
import type { GatewayEnv } from "../env.ts";
import type { GatewayPorts } from "../ports.ts";

export function verifyRoutes(ports: GatewayPorts): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.post("/v1/verify", async (c) => {
    const { value } = await readJsonBody(c, validateVerifyRequest);
    try {
      const verified = await verifyToken(value.token, ports);
      const balance = await balanceHere(ports, verified);
      const holder = holderRequestOf(c, ports.network);
      if (!(await mayReveal(ports, verified, value.token, holder))) {
        // A bound token verifies without a proof, but its balance is the holder's (§6.6).
        return c.json({ valid: true, claims: verified.claims });
      }
      return c.json({ valid: true, claims: verified.claims, remaining: balance.remaining });
    } catch (error) {
      // Every refusal of the token is a verdict; unreachable keys or status
      // lists are not the token's fault and stay 503 problems, and a refused
      // holder proof is the request's fault: a 401 problem.
      if (error instanceof OctError && !isUnavailable(error) && !isHolderProofRefusal(error)) {
        return c.json({ valid: false, error: error.code, detail: error.message });
      }
      throw error;
    }
  });
  return app;
}
