/**
 * @module Where the time of `POST /v1/verify` goes, in process (no HTTP,
 * no sockets), on one core: the pipeline alone, a bare Hono route around
 * it, the same plus the ledger read alone and plus the whole balance
 * look-up the endpoint returns (token key digest and ledger read), and the
 * gateway's own route with all its middleware. A profiling aid, not part of
 * `npm run bench`: `npx node bench/breakdown.ts [--node-crypto]`.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { Hono } from "hono";
import { nodeCryptoSignatures } from "../src/adapters/crypto/node-signatures.ts";
import { webCryptoSignatures } from "../src/adapters/crypto/web-crypto-signatures.ts";
import { loadNetwork } from "../src/core/network/config.ts";
import { balanceOf } from "../src/core/redemption/balance.ts";
import { tokenKeyOf } from "../src/core/redemption/record.ts";
import { verifyToken } from "../src/core/token/verify.ts";
import { createGateway } from "../src/gateway/app.ts";
import { nodePorts } from "../src/runtime/node-ports.ts";
import { asyncLoop } from "./cpu/loop.ts";
import { makeFixtures } from "./fixtures.ts";
import { median } from "./stats.ts";

spawnSync("taskset", ["-a", "-p", "-c", "0", String(process.pid)], { stdio: "ignore" });

const fixtures = await makeFixtures(0);
const ports = {
  ...nodePorts({ network: loadNetwork(fixtures.document), dbPath: join(fixtures.dir, "b.db") }),
  signatures: process.argv.includes("--node-crypto") ? nodeCryptoSignatures : webCryptoSignatures,
};
const token = fixtures.verifyTokens.EdDSA;
const body = JSON.stringify({ token });
const post = (app: { request: Hono["request"] }) => async () =>
  app.request("/v1/verify", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });

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

// The same look-up without computing the token's ledger key (a SHA-256 by
// crypto.subtle.digest) on each request: what that digest costs.
const tokenKey = await tokenKeyOf((await verifyToken(token, ports)).identity);
const withLedgerOnly = new Hono().post("/v1/verify", async (c) => {
  const { token } = await c.req.json();
  const verified = await verifyToken(token, ports);
  const balance = await ports.ledger.balance(tokenKey, Date.now());
  return c.json({ valid: true, claims: verified.claims, committed: balance.committed });
});

const cases: [string, () => Promise<unknown>][] = [
  ["verifyToken alone", () => verifyToken(token, ports)],
  ["Hono route: verifyToken", post(verifyOnly)],
  ["Hono route: verifyToken + ledger.balance (key precomputed)", post(withLedgerOnly)],
  ["Hono route: verifyToken + balanceOf", post(withBalance)],
  ["the gateway's POST /v1/verify", post(createGateway(ports))],
];
const rates = new Map<string, number[]>(cases.map(([name]) => [name, []]));
for (let run = 0; run < 4; run++) {
  for (const [name, op] of cases) {
    const { perSecond } = await asyncLoop(op, run === 0 ? 0.5 : 1.5, 1_000_000, 16);
    if (run > 0) rates.get(name)!.push(perSecond); // run 0 warms up
  }
}
console.log("| in process, one core, EdDSA | per second | µs each |");
console.log("| --- | ---: | ---: |");
for (const [name, values] of rates) {
  const rate = median(values);
  console.log(`| ${name} | ${Math.round(rate)} | ${Math.round(1e6 / rate)} |`);
}
ports.close();
rmSync(fixtures.dir, { recursive: true, force: true });
