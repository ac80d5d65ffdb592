/**
 * @module A peer: the verify endpoint a user would build by hand with Hono
 * and `fast-jwt`, with every check `fast-jwt` can express (algorithm
 * allow-list, issuer, `typ`, required claims, exp/nbf with clock tolerance).
 * Its verified-token cache is off: it would skip the signature for a token
 * seen before, which is not verification. Environment: PORT, BENCH_FIXTURES.
 */
import { serve } from "@hono/node-server";
import { createVerifier } from "fast-jwt";
import { Hono } from "hono";
import { portFromEnv, stopOnSignal } from "./listen.ts";
import { PEER_ROUTE, peerPolicies } from "./peer-checks.ts";

const policies = peerPolicies(process.env.BENCH_FIXTURES!, ["EdDSA", "ES256"]);
const verifiers = new Map(
  [...policies].map(([alg, policy]) => [
    alg,
    createVerifier({
      key: policy.key.export({ format: "pem", type: "spki" }).toString(),
      algorithms: [policy.alg],
      allowedIss: policy.issuer,
      checkTyp: policy.typ,
      requiredClaims: policy.requiredClaims,
      clockTolerance: policy.clockSkewSeconds * 1000,
      cache: false,
    }),
  ]),
);

const app = new Hono();
app.get("/healthz", (c) => c.json({ status: "ok" }));
app.post(PEER_ROUTE, async (c) => {
  const verify = verifiers.get(c.req.param("alg"));
  const body = (await c.req.json().catch(() => undefined)) as { token?: unknown } | undefined;
  if (!verify || typeof body?.token !== "string") return c.json({ error: "request_invalid" }, 400);
  try {
    return c.json({ valid: true, claims: verify(body.token) });
  } catch (error) {
    return c.json({ valid: false, error: (error as Error).message });
  }
});
const server = serve({ fetch: app.fetch, port: portFromEnv(), hostname: "127.0.0.1" }, () =>
  console.log("ready"),
);
stopOnSignal((done) => server.close(done));
