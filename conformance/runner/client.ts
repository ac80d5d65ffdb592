/**
 * @module The runner's only way to reach an implementation: HTTP. Every
 * exchange is recorded for the report (bodies clipped), and handed whole to
 * whoever taps the client (the rules judged on every answer of a run).
 */
import type { Exchange } from "./types.ts";

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
  /** When the runner had the whole answer, ms since the epoch (its clock). */
  receivedAt: number;
}

/** An exchange with nothing clipped, for the checks that read every answer of a run. */
export interface FullExchange {
  method: string;
  path: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  answer: Answer;
}

export interface SendOptions {
  headers?: Record<string, string>;
  body?: string;
  /** Send the body as a stream, without Content-Length. */
  chunked?: boolean;
}

export class Client {
  readonly base: string;
  private readonly timeoutMs: number;
  private readonly taps: ((exchange: FullExchange) => void)[] = [];

  constructor(base: string, timeoutMs = 15_000) {
    this.base = base.replace(/\/+$/, "");
    this.timeoutMs = timeoutMs;
  }

  /** Calls `tap` with every exchange from now on. */
  tap(tap: (exchange: FullExchange) => void): void {
    this.taps.push(tap);
  }

  /** Sends a request and records it in `log`. Throws when the implementation cannot be reached. */
  async send(
    log: Exchange[],
    method: string,
    path: string,
    options: SendOptions = {},
  ): Promise<Answer> {
    const url = this.base + path;
    const headers = {
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
      ...options.headers,
    };
    const exchange: Exchange = {
      request: {
        method,
        url,
        headers,
        ...(options.body !== undefined ? { body: clip(options.body) } : {}),
      },
    };
    log.push(exchange);
    let body: BodyInit | undefined = options.body;
    if (options.body !== undefined && options.chunked) {
      const bytes = new TextEncoder().encode(options.body);
      body = new ReadableStream({
        start(stream) {
          stream.enqueue(bytes);
          stream.close();
        },
      });
    }
    try {
      const response = await fetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body, duplex: "half" } : {}),
        redirect: "manual",
        signal: AbortSignal.timeout(this.timeoutMs),
      } as RequestInit);
      const text = await response.text();
      exchange.response = {
        status: response.status,
        headers: Object.fromEntries(response.headers),
        body: clip(text),
      };
      let json: unknown;
      try {
        json = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      const answer = {
        status: response.status,
        headers: response.headers,
        text,
        json,
        receivedAt: Date.now(),
      };
      for (const tap of this.taps)
        tap({
          method,
          path,
          requestHeaders: headers,
          ...(options.body !== undefined ? { requestBody: options.body } : {}),
          answer,
        });
      return answer;
    } catch (error) {
      exchange.error = (error as Error).message;
      throw new UnreachableError(`cannot reach ${url}: ${(error as Error).message}`);
    }
  }

  postJson(
    log: Exchange[],
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    return this.send(log, "POST", path, { headers, body: JSON.stringify(body) });
  }
}

export class UnreachableError extends Error {
  override name = "UnreachableError";
}

/** Reports keep bodies readable: long ones are cut. */
function clip(text: string): string {
  return text.length > 4000 ? `${text.slice(0, 4000)}… (${text.length} characters)` : text;
}
