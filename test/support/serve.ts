/**
 * @module Serving a gateway app on a free loopback port, in this process.
 */
import { serve } from "@hono/node-server";
import type { Hono } from "hono";

export async function serveApp(app: Hono<any>): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
