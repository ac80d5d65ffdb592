/**
 * @module What `npm start` says when it cannot listen, or when the gateway
 * would advertise an address other than its own: one line each, naming the
 * setting to change, never a stack trace.
 */

/** Where the server listens, as Node reports it (`server.address()`). */
export interface ListenAddress {
  address: string;
  port: number;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The line for a failed `listen` (Node's error carries the address and the
 * port), or `undefined` when the failure is not about the address.
 */
export function listenFailure(error: unknown): string | undefined {
  const { code, address, port } = error as { code?: unknown; address?: unknown; port?: unknown };
  const host = typeof address === "string" ? address : "this address";
  switch (code) {
    case "EADDRINUSE":
      return `oct: the gateway did not start: port ${port} is in use on ${host} (set PORT to a free port, e.g. PORT=${Number(port) + 1} npm start)`;
    case "EACCES":
      return `oct: the gateway did not start: not allowed to listen on port ${port} of ${host} (set PORT to a port above 1023)`;
    case "EADDRNOTAVAIL":
      return `oct: the gateway did not start: ${host} is not an address of this machine (set HOST, e.g. HOST=127.0.0.1)`;
    default:
      return undefined;
  }
}

function urlOf(at: ListenAddress): string {
  return `http://${at.address.includes(":") ? `[${at.address}]` : at.address}:${at.port}`;
}

/**
 * A warning when `gateway.id` names this machine on another port: receipts
 * would name, and `/.well-known/oct-gateway` would advertise, a gateway (and
 * a `jwks_uri`) that is not this one. An id on another host is left alone: a
 * gateway behind a proxy or a load balancer cannot see its public address.
 */
export function advertisedAddressWarning(gatewayId: string, at: ListenAddress): string | undefined {
  let id: URL;
  try {
    id = new URL(gatewayId);
  } catch {
    return undefined;
  }
  if (!LOOPBACK.has(id.hostname) || (id.protocol !== "http:" && id.protocol !== "https:"))
    return undefined;
  const port = Number(id.port || (id.protocol === "https:" ? 443 : 80));
  if (port === at.port) return undefined;
  const listening = urlOf(at);
  return (
    `oct: warning: gateway.id is ${gatewayId} but this gateway listens on ${listening}: ` +
    `receipts name ${gatewayId} as their issuer and the advertised jwks_uri ` +
    `${new URL("/.well-known/jwks.json", id).href} is not this gateway ` +
    `(set gateway.id to ${listening} in the network configuration, or PORT=${port})`
  );
}
