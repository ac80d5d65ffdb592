/**
 * @module The Node.js entry point (`npm start`): the gateway on the embedded
 * default. Environment: PORT (8787), OCT_CONFIG (the demo network),
 * OCT_DB (.oct/oct.db).
 */
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { loadNetworkFile } from "../adapters/config/file.ts";
import { ConfigError } from "../core/network/config.ts";
import { createGateway } from "../gateway/app.ts";
import { nodePorts, recoveryEveryMs } from "./node-ports.ts";
import { guardServer, httpServerOptions } from "./node-http.ts";
import { advertisedAddressWarning, listenFailure } from "./startup.ts";

const DEMO_CONFIG = new URL("../../config/demo/network.json", import.meta.url).pathname;

function start(): void {
  const configPath = process.env.OCT_CONFIG ?? DEMO_CONFIG;
  const port = Number(process.env.PORT ?? 8787);
  let network;
  try {
    network = loadNetworkFile(configPath);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`oct: the gateway did not start. ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const dbPath = process.env.OCT_DB ?? ".oct/oct.db";
  const ports = nodePorts({ network, dbPath });
  // Recovery at start, then periodically (spec §8.6): a crash between
  // reserve and commit loses nothing. A busy ledger postpones it, never
  // stops the gateway (§8.1).
  ports.startRecovery(recoveryEveryMs(network.limits), (message) => console.log(message));
  const app = createGateway({
    ...ports,
    logger: { error: (message, error) => console.error(`oct: ${message}`, error) },
  });
  const server = serve(
    {
      fetch: app.fetch,
      port,
      hostname: process.env.HOST ?? "127.0.0.1",
      serverOptions: httpServerOptions(network.limits),
    },
    (info) => {
      const url = `http://${info.address === "::1" ? "[::1]" : info.address}:${info.port}`;
      console.log(`OCT gateway listening on ${url}`);
      console.log(
        `  network: ${configPath === DEMO_CONFIG ? "the demo network (config/demo/network.json)" : configPath}`,
      );
      const gatewayFlag = url === "http://127.0.0.1:8787" ? "" : ` -- --gateway ${url}`;
      console.log(`  try:     curl ${url}/.well-known/oct-gateway`);
      console.log(`  demo:    npm run demo${gatewayFlag}   (in another terminal: the whole story)`);
      console.log(`  pages:   ${url}/ (token inspector), ${url}/docs (API reference)`);
      console.log(`  cli:     npx oct --help`);
      const warning = advertisedAddressWarning(network.gatewayId, info);
      if (warning) console.warn(warning);
    },
  );
  guardServer(server as Server, network.limits);
  // A port in use (or not ours to take) is one line naming PORT, not a stack trace.
  server.once("error", (error) => {
    const line = listenFailure(error);
    if (!line) throw error;
    console.error(line);
    ports.close();
    process.exit(1);
  });
  const stop = () =>
    server.close(() => {
      ports.close();
      process.exit(0);
    });
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

start();
