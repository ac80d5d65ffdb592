/**
 * @module A peer: the verify endpoint a user would build by hand with Hono
 * and `fast-jwt`, with every check `fast-jwt` can express (algorithm
 * allow-list, issuer, `typ`, required claims, exp/nbf with clock tolerance),
 * twice: `/v1/verify/:alg` with its verified-token cache off (every request
 * checks the signature: the peer of the cold path) and
 * `/v1/verify-cached/:alg` with it on (a token seen before skips decoding
 * and signature: the peer of the hot path, as our gateway's own cache, spec
 * §6.4). Environment: PORT, BENCH_FIXTURES.
 */
import { serve } from "@hono/node-server";
import { createVerifier } from "fast-jwt";
import { Hono } from "hono";
import { portFromEnv, stopOnSignal } from "./listen.ts";
import { CACHED_PEER_ROUTE, PEER_ROUTE, peerPolicies } from "./peer-checks.ts";

const policies = peerPolicies(process.env.BENCH_FIXTURES!, ["EdDSA", "ES256"]);
const verifiersWith = (cache: boolean) =>
  new Map(
    [...policies].map(([alg, policy]) => [
      alg,
      createVerifier({
        key: policy.key.export({ format: "pem", type: "spki" }).toString(),
        algorithms: [policy.alg],
        allowedIss: policy.issuer,
        checkTyp: policy.typ,
        requiredClaims: policy.requiredClaims,
        clockTolerance: policy.clockSkewSeconds * 1000,
        cache,
      }),
    ]),
  );

const app = new Hono();
app.get("/healthz", (c) => c.json({ status: "ok" }));
for (const [route, verifiers] of [
  [PEER_ROUTE, verifiersWith(false)],
  [CACHED_PEER_ROUTE, verifiersWith(true)],
] as const) {
  app.post(route, async (c) => {
    const verify = verifiers.get(c.req.param("alg"));
    const body = (await c.req.json().catch(() => undefined)) as { token?: unknown } | undefined;
    if (!verify || typeof body?.token !== "string") {
      return c.json({ error: "request_invalid" }, 400);
    }
    try {
      return c.json({ valid: true, claims: verify(body.token) });
    } catch (error) {
      return c.json({ valid: false, error: (error as Error).message });
    }
  });
}
const server = serve({ fetch: app.fetch, port: portFromEnv(), hostname: "127.0.0.1" }, () =>
  console.log("ready"),
);
stopOnSignal((done) => server.close(done));
