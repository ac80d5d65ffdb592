/**
 * @module Raw TCP conversations with an HTTP server, for what `fetch` cannot
 * send: slow or partial requests, repeated header fields, bytes that are not
 * HTTP, many idle connections.
 */
import { connect, type Socket } from "node:net";

export interface Conversation {
  /** Everything the server sent. */
  text: string;
  /** Milliseconds from connecting until the server closed the connection. */
  closedAfterMs: number;
}

/** Opens a connection; resolves once connected. */
export function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
}

/**
 * Sends `data` (if any) and waits until the server closes the connection,
 * or `timeoutMs` passes (then the connection is closed here and
 * `closedAfterMs` is Infinity).
 */
export async function converse(port: number, data = "", timeoutMs = 10_000): Promise<Conversation> {
  const started = Date.now();
  const socket = await open(port);
  return new Promise((resolve) => {
    let text = "";
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closedAfterMs: Infinity });
    }, timeoutMs);
    socket.on("data", (chunk) => (text += chunk));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ text, closedAfterMs: Date.now() - started });
    });
    if (data) socket.write(data);
  });
}

/** A request head announcing a 100-octet body, of which only the first octet follows. */
export const STALLED_POST =
  "POST /v1/verify HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{";

/**
 * Opens `count` connections, each stalled in the middle of a request body,
 * and waits `settleMs` for the server to have accepted them.
 */
export async function holdStalledConnections(
  port: number,
  count: number,
  settleMs = 100,
): Promise<Socket[]> {
  const held: Socket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = await open(port);
    socket.on("error", () => undefined);
    socket.write(STALLED_POST);
    held.push(socket);
  }
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  return held;
}

/** The status and parsed JSON body of a raw HTTP/1.1 answer. */
export function parseAnswer(text: string): {
  status: number;
  headers: Record<string, string>;
  json: Record<string, unknown> | undefined;
} {
  const [head = "", body = ""] = text.split("\r\n\r\n", 2);
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: Number(statusLine.split(" ")[1]), headers, json };
}
