/**
 * @module How every bench server tells the runner it is ready: it listens
 * on 127.0.0.1:$PORT and answers `GET /healthz`; the runner polls for it.
 */

export function portFromEnv(): number {
  const port = Number(process.env.PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error("PORT must be set");
  return port;
}

/** Stops the server, then the process, on SIGTERM or SIGINT. */
export function stopOnSignal(close: (done: () => void) => void): void {
  const stop = () => close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
