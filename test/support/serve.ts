/**
 * @module Serving a gateway app (or anything with a `fetch`) on a free
 * loopback port, in this process.
 */
import { serve } from "@hono/node-server";

export async function serveApp(app: {
  fetch(request: Request): Response | Promise<Response>;
}): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve(
      { fetch: (request: Request) => app.fetch(request), port: 0, hostname: "127.0.0.1" },
      (info) => {
        resolve({
          url: `http://127.0.0.1:${info.port}`,
          close: () => new Promise<void>((done) => server.close(() => done())),
        });
      },
    );
  });
}
