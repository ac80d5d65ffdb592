/**
 * @module The runner's own HTTP server, at an address the implementation
 * under test reaches (`--callback`): it plays the outside parties a gateway
 * calls, a carrier's key-set endpoint (`jwks_uri`, spec §5.5), its status
 * lists (§6.5) and webhook providers (§8.7). A case scripts what each path answers (a key set, a
 * status, a delay, a redirect, a held answer) and reads back what the
 * gateway asked and when.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/** What one path answers, as a case scripts it. */
export interface Scripted {
  status?: number;
  headers?: Record<string, string>;
  /** The body, as octets. */
  body?: Uint8Array;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Keep the request open until {@link CallbackServer.release} answers it. */
  hold?: boolean;
  /** An answer made from the request itself (a grant for a grant request), over the rest. */
  respond?: (request: Received) => Scripted;
}

/** A request the gateway made, as the runner saw it. */
export interface Received {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** When it arrived, ms since the epoch (the runner's clock). */
  at: number;
}

interface Held {
  response: ServerResponse;
  request: Received;
}

export class CallbackServer {
  /** The base URL the implementation reaches the server at. */
  readonly base: string;
  private readonly server: Server;
  private readonly scripts = new Map<string, Scripted>();
  private readonly seen: Received[] = [];
  private readonly held = new Map<string, Held[]>();
  private readonly waiters: (() => void)[] = [];

  private constructor(base: string, server: Server) {
    this.base = base;
    this.server = server;
  }

  /**
   * Listens on the port of `base`: on the loopback interface when `base`
   * names a loopback host, else on every interface (the implementation then
   * reaches the runner from another host or container).
   */
  static async listen(base: string): Promise<CallbackServer> {
    const url = new URL(base);
    const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
    const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
    let self: CallbackServer | undefined;
    const server = createServer((request, response) => void self!.answer(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, loopback ? "127.0.0.1" : undefined, () => {
        server.off("error", reject);
        resolve();
      });
    });
    self = new CallbackServer(base.replace(/\/+$/, ""), server);
    return self;
  }

  /** Scripts what `path` answers from now on. */
  serve(path: string, script: Scripted): void {
    this.scripts.set(path, script);
  }

  /** Stops scripting `path`: it answers 404 again. */
  unserve(path: string): void {
    this.scripts.delete(path);
  }

  /** How many requests the server has received, on any path: a mark for {@link received}. */
  get count(): number {
    return this.seen.length;
  }

  /**
   * The requests made to `path` (every path when omitted), oldest first; only
   * those after the first `since` requests of all, when given.
   */
  received(path?: string, since = 0): Received[] {
    return this.seen.slice(since).filter((r) => path === undefined || r.path === path);
  }

  /** Waits until `path` has received `count` requests after mark `since`, or `timeoutMs` passed. */
  async waitFor(path: string, count: number, timeoutMs: number, since = 0): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received(path, since).length < count && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, Math.max(1, deadline - Date.now()));
      });
    }
    return this.received(path, since);
  }

  /** Answers every request held at `path` with `script`; returns how many were waiting. */
  release(path: string, script: Scripted): number {
    const held = this.held.get(path) ?? [];
    this.held.delete(path);
    for (const { response } of held) this.write(response, script);
    return held.length;
  }

  async close(): Promise<void> {
    for (const path of [...this.held.keys()]) this.release(path, { status: 503 });
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const path = new URL(request.url ?? "/", "http://callback").pathname;
    const received: Received = {
      method: request.method ?? "GET",
      path,
      headers: Object.fromEntries(
        Object.entries(request.headers).map(([k, v]) => [
          k,
          Array.isArray(v) ? v.join(", ") : (v ?? ""),
        ]),
      ),
      body: Buffer.concat(chunks).toString("utf8"),
      at: Date.now(),
    };
    this.seen.push(received);
    for (const wake of this.waiters.splice(0)) wake();
    const scripted = this.scripts.get(path) ?? { status: 404 };
    const script = scripted.respond ? { ...scripted, ...scripted.respond(received) } : scripted;
    if (script.hold) {
      this.held.set(path, [...(this.held.get(path) ?? []), { response, request: received }]);
      return;
    }
    if (script.delayMs) await new Promise((resolve) => setTimeout(resolve, script.delayMs));
    this.write(response, script);
  }

  private write(response: ServerResponse, script: Scripted): void {
    if (response.destroyed || response.writableEnded) return;
    response.writeHead(script.status ?? 200, script.headers ?? {});
    response.end(script.body ? Buffer.from(script.body) : undefined);
  }
}
