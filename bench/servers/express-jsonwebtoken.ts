/**
 * @module A peer: the verify endpoint a user would build by hand with
 * Express and `jsonwebtoken`, with every check `jsonwebtoken` can express
 * (algorithm allow-list, issuer, exp/nbf with clock tolerance) plus `typ`
 * and the required claims checked by hand. `jsonwebtoken` has no EdDSA, so
 * this peer serves ES256 only. Environment: PORT, BENCH_FIXTURES.
 */
import express from "express";
import jwt from "jsonwebtoken";
import { portFromEnv, stopOnSignal } from "./listen.ts";
import { PEER_ROUTE, peerPolicies } from "./peer-checks.ts";

const policies = peerPolicies(process.env.BENCH_FIXTURES!, ["ES256"]);
const app = express();
app.use(express.json({ limit: "16kb" }));
app.get("/healthz", (_req, res) => {
  res.json({ status: "ok" });
});
app.post(PEER_ROUTE, (req, res) => {
  const policy = policies.get(req.params.alg ?? "");
  const token: unknown = req.body?.token;
  if (!policy || typeof token !== "string") {
    res.status(400).json({ error: "request_invalid" });
    return;
  }
  try {
    const { header, payload } = jwt.verify(token, policy.key, {
      algorithms: [policy.alg as jwt.Algorithm],
      issuer: policy.issuer,
      clockTolerance: policy.clockSkewSeconds,
      complete: true,
    });
    const claims = payload as Record<string, unknown>;
    if (header.typ !== policy.typ) throw new Error("typ");
    for (const claim of policy.requiredClaims) if (!(claim in claims)) throw new Error(claim);
    res.json({ valid: true, claims });
  } catch (error) {
    res.json({ valid: false, error: (error as Error).message });
  }
});
const server = app.listen(portFromEnv(), "127.0.0.1", () => console.log("ready"));
stopOnSignal((done) => server.close(done));
