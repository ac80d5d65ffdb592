/**
 * @module Where the time of `POST /v1/verify` goes, in process (no HTTP,
 * no sockets), on one core: the pipeline alone, a bare Hono route around
 * it, the same plus the balance look-up the endpoint returns, the gateway's
 * own route with all its middleware, and the peer (Hono + fast-jwt) beside
 * it, all in alternation so that they see the same noise. One token repeated (the hot
 * path, from the verified-token cache), or with `--cold` a new token each
 * time. A profiling aid, not part of `npm run bench`:
 * `npx node bench/breakdown.ts [--node-crypto] [--cold]`.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { createVerifier } from "fast-jwt";
import { Hono } from "hono";
import { nodeCryptoSignatures } from "../src/adapters/crypto/node-signatures.ts";
import { webCryptoSignatures } from "../src/adapters/crypto/web-crypto-signatures.ts";
import { loadNetwork } from "../src/core/network/config.ts";
import { balanceOf } from "../src/core/redemption/balance.ts";
import { verifyToken } from "../src/core/token/verify.ts";
import { createGateway } from "../src/gateway/app.ts";
import { nodePorts } from "../src/runtime/node-ports.ts";
import { asyncLoop } from "./cpu/loop.ts";
import { COLD_POOL, makeFixtures } from "./fixtures.ts";
import { peerPolicies } from "./servers/peer-checks.ts";
import { median } from "./stats.ts";

spawnSync("taskset", ["-a", "-p", "-c", "0", String(process.pid)], { stdio: "ignore" });

const cold = process.argv.includes("--cold");
const fixtures = await makeFixtures(0, cold ? COLD_POOL : 0);
const ports = {
  ...nodePorts({ network: loadNetwork(fixtures.document), dbPath: join(fixtures.dir, "b.db") }),
  signatures: process.argv.includes("--node-crypto") ? nodeCryptoSignatures : webCryptoSignatures,
};
let turn = 0;
const nextToken = cold
  ? () => fixtures.coldTokens.EdDSA[turn++ % COLD_POOL]!
  : () => fixtures.verifyTokens.EdDSA;
const post = (app: { request: Hono["request"] }) => async () => {
  const body = JSON.stringify({ token: nextToken() });
  // With its length, as over HTTP: the body limit judges it from the header.
  return app.request("/v1/verify", {
    method: "POST",
    headers: { "content-type": "application/json", "content-length": String(body.length) },
    body,
  });
};

const verifyOnly = new Hono().post("/v1/verify", async (c) => {
  const { token } = await c.req.json();
  return c.json({ valid: true, claims: (await verifyToken(token, ports)).claims });
});
const withBalance = new Hono().post("/v1/verify", async (c) => {
  const { token } = await c.req.json();
  const verified = await verifyToken(token, ports);
  const balance = await balanceOf(ports.ledger, verified, Date.now());
  return c.json({ valid: true, claims: verified.claims, remaining: balance.remaining });
});

// The peer of bench/servers/hono-fast-jwt.ts in the same process: fast-jwt
// with its verified-token cache on for the hot path, off for the cold.
const [policy] = peerPolicies(fixtures.dir, ["EdDSA"]).values();
const peerVerify = createVerifier({
  key: policy!.key.export({ format: "pem", type: "spki" }).toString(),
  algorithms: [policy!.alg],
  allowedIss: policy!.issuer,
  checkTyp: policy!.typ,
  requiredClaims: policy!.requiredClaims,
  clockTolerance: policy!.clockSkewSeconds * 1000,
  cache: !cold,
});
const peer = new Hono().post("/v1/verify", async (c) => {
  const { token } = await c.req.json();
  return c.json({ valid: true, claims: peerVerify(token) });
});

const cases: [string, () => Promise<unknown>][] = [
  ["verifyToken alone", () => verifyToken(nextToken(), ports)],
  ["Hono route: verifyToken", post(verifyOnly)],
  ["Hono route: verifyToken + balanceOf", post(withBalance)],
  ["the gateway's POST /v1/verify", post(createGateway(ports))],
  [`the peer: Hono + fast-jwt, cache ${cold ? "off" : "on"}`, post(peer)],
];
// CPU time per operation beside the rate: on a shared machine, another
// process's load stretches the wall clock far more than the CPU time.
const rates = new Map<string, number[]>(cases.map(([name]) => [name, []]));
const cpuEach = new Map<string, number[]>(cases.map(([name]) => [name, []]));
for (let run = 0; run < 4; run++) {
  for (const [name, op] of cases) {
    const before = process.cpuUsage();
    const { perSecond, ops } = await asyncLoop(op, run === 0 ? 0.5 : 1.5, 1_000_000, 16);
    const cpu = process.cpuUsage(before);
    if (run === 0) continue; // run 0 warms up
    rates.get(name)!.push(perSecond);
    cpuEach.get(name)!.push((cpu.user + cpu.system) / ops);
  }
}
console.log(
  `| in process, one core, EdDSA, ${cold ? "cold" : "hot"} | per second | µs each | CPU µs each |`,
);
console.log("| --- | ---: | ---: | ---: |");
for (const [name, values] of rates) {
  const rate = median(values);
  const cpu = median(cpuEach.get(name)!);
  console.log(`| ${name} | ${Math.round(rate)} | ${Math.round(1e6 / rate)} | ${Math.round(cpu)} |`);
}
ports.close();
rmSync(fixtures.dir, { recursive: true, force: true });
