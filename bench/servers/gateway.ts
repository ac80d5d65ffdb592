/**
 * @module The gateway as `npm start` composes it (`nodePorts` + SQLite +
 * `createGateway`), on the benchmark's network, plus `GET /bare`: a Hono
 * route that does nothing, served by the same process, the floor under every
 * gateway figure. The signature port is Web Crypto unless
 * `BENCH_SIGNATURES=node` asks for `node:crypto` (`src/adapters/crypto/`).
 *
 * Environment: PORT, OCT_CONFIG (network file), OCT_DB (SQLite file), BENCH_SIGNATURES.
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { nodeCryptoSignatures } from "../../src/adapters/crypto/node-signatures.ts";
import { webCryptoSignatures } from "../../src/adapters/crypto/web-crypto-signatures.ts";
import { loadNetworkFile } from "../../src/adapters/config/file.ts";
import { createGateway } from "../../src/gateway/app.ts";
import { nodePorts, recoveryEveryMs } from "../../src/runtime/node-ports.ts";
import { portFromEnv, stopOnSignal } from "./listen.ts";

const network = loadNetworkFile(process.env.OCT_CONFIG!);
const ports = nodePorts({ network, dbPath: process.env.OCT_DB! });
const recovery = ports.startRecovery(recoveryEveryMs(network.limits), (message) =>
  console.error(message),
);
const gateway = createGateway({
  ...ports,
  signatures: process.env.BENCH_SIGNATURES === "node" ? nodeCryptoSignatures : webCryptoSignatures,
  logger: { error: (message, error) => console.error(`oct: ${message}`, error) },
});
const bare = new Hono().get("/bare", (c) => c.json({ ok: true }));

const server = serve(
  {
    // An `endsWith` on the URL: the cheapest dispatch, so the gateway's
    // figures carry no routing of ours.
    fetch: (request) =>
      request.url.endsWith("/bare") ? bare.fetch(request) : gateway.fetch(request),
    port: portFromEnv(),
    hostname: "127.0.0.1",
  },
  () => console.log("ready"),
);
stopOnSignal((done) =>
  server.close(() => {
    recovery.stop();
    ports.close();
    done();
  }),
);
