/**
 * @module The Node HTTP server's own bounds (`spec/oct.md` §5.8, the
 * `http_*` limits): how many connections it holds, how long a client may
 * take to send a request, how long an idle connection stays; and its answers
 * to the requests node:http refuses before the app sees them, as problem
 * documents with the spec's codes (§7.1) rather than bare status lines.
 */
import { randomUUID } from "node:crypto";
import { STATUS_CODES, type Server, type ServerOptions } from "node:http";
import type { Duplex } from "node:stream";
import { OctError } from "../core/errors.ts";
import type { Limits } from "../core/network/config.ts";
import { PROBLEM_CONTENT_TYPE } from "../gateway/problem.ts";

export type HttpLimits = Pick<
  Limits,
  | "http_max_connections"
  | "http_headers_timeout_ms"
  | "http_request_timeout_ms"
  | "http_keep_alive_timeout_ms"
>;

/**
 * Options for `node:http`'s `createServer` (`serverOptions` of
 * @hono/node-server's `serve`).
 *
 * @example
 * serve({ fetch: app.fetch, port, serverOptions: httpServerOptions(network.limits) });
 */
export function httpServerOptions(limits: HttpLimits): ServerOptions {
  return {
    headersTimeout: limits.http_headers_timeout_ms,
    requestTimeout: limits.http_request_timeout_ms,
    keepAliveTimeout: limits.http_keep_alive_timeout_ms,
    // Node enforces both timeouts on this period, 30 s by default: a slow
    // client would keep its connection up to 30 s past its limit.
    connectionsCheckingInterval: Math.max(
      10,
      Math.min(1000, Math.floor(limits.http_headers_timeout_ms / 4)),
    ),
  };
}

/**
 * Bounds the server's connections (further ones are closed as they arrive)
 * and answers node:http's client errors with problem documents.
 *
 * @example
 * guardServer(server, network.limits);
 */
export function guardServer(server: Server, limits: HttpLimits): void {
  server.maxConnections = limits.http_max_connections;
  server.on("clientError", answerClientError);
}

/** What node:http's refusals become: 431, 408, else 400. */
function refusalOf(error: NodeJS.ErrnoException): OctError {
  switch (error.code) {
    case "HPE_HEADER_OVERFLOW":
      return new OctError(
        "header_fields_too_large",
        "the request's header section is larger than the gateway accepts",
      );
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return new OctError("request_timeout", "the request was not received in time");
    default:
      return new OctError("request_invalid", `the request is not valid HTTP/1.1 (${error.code})`);
  }
}

/**
 * The `clientError` listener: as node:http's default one, it answers only
 * while no answer to this connection has started, then closes the
 * connection; a connection the client already dropped is only closed.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const requestId = randomUUID();
  const refusal = refusalOf(error);
  const body = JSON.stringify(refusal.toProblem({ request_id: requestId }));
  socket.end(
    [
      `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}`,
      `content-type: ${PROBLEM_CONTENT_TYPE}`,
      `content-length: ${Buffer.byteLength(body)}`,
      `x-request-id: ${requestId}`,
      "cache-control: no-store",
      "connection: close",
      "",
      body,
    ].join("\r\n"),
    () => socket.destroy(),
  );
}
