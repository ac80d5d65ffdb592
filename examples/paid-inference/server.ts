/**
 * @module Serves the example app on Node.js: `npm run example:paid-inference`.
 * APP_PORT (default 8788) is where it listens; OCT_GATEWAY (default
 * http://127.0.0.1:8787, where `npm start` serves the demo network) is the
 * gateway it is paid at.
 */
import { serve } from "@hono/node-server";
import { inferenceApp } from "./app.ts";

const gateway = process.env.OCT_GATEWAY || "http://127.0.0.1:8787";
const port = Number(process.env.APP_PORT || 8788);

serve({ fetch: inferenceApp({ gateway }).fetch, hostname: "127.0.0.1", port }, (info) => {
  console.log(
    `paid-inference listening on http://127.0.0.1:${info.port}, paid at ${gateway} (provider carrier-a-cloud)`,
  );
});
