/**
 * @module The runner's only way to reach an implementation: HTTP. Every
 * exchange is recorded for the report.
 */
import type { Exchange } from "./types.ts";

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export class Client {
  readonly base: string;
  private readonly timeoutMs: number;

  constructor(base: string, timeoutMs = 15_000) {
    this.base = base.replace(/\/+$/, "");
    this.timeoutMs = timeoutMs;
  }

  /** Sends a request and records it in `log`. Throws when the implementation cannot be reached. */
  async send(
    log: Exchange[],
    method: string,
    path: string,
    options: { headers?: Record<string, string>; body?: string } = {},
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
    try {
      const response = await fetch(url, {
        method,
        headers,
        ...(options.body !== undefined ? { body: options.body } : {}),
        redirect: "manual",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
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
      return { status: response.status, headers: response.headers, text, json };
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
