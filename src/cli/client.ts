/**
 * @module The `oct` command's HTTP client for a running gateway: one place
 * that turns the ways a call can fail (nobody listening, no answer in time,
 * a problem+json refusal, something that is not an OCT gateway) into clear
 * errors, and shows a progress line while a call is slow.
 */
import type { JSONWebKeySet } from "jose";
import { isHttpUrl } from "../gateway/public-url.ts";
import { UsageError, type Output, type Values, type WithJson } from "./command.ts";
import type { GatewayKeys } from "./signed.ts";

/** Where `npm start` listens. */
export const DEFAULT_GATEWAY = "http://127.0.0.1:8787";
/** How long one call may take before the command gives up. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** A call slower than this gets a progress line (on a terminal only). */
const PROGRESS_AFTER_MS = 300;
const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export const GATEWAY_OPTION = { gateway: { type: "string" } } as const;

/** RFC 9457 problem details as OCT gateways send them (`spec/oct.md` §7.2). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  request_id?: string;
  errors?: { pointer: string; message: string }[];
}

/** A refusal from the gateway: `code: detail`, exit status 1, the problem under `--json`. */
export class GatewayError extends Error implements WithJson {
  override name = "GatewayError";
  readonly code: string;
  readonly status: number;
  readonly json: Problem;

  constructor(problem: Problem) {
    const located = (problem.errors ?? []).map((e) => `${e.pointer || "(body)"} ${e.message}`);
    super((problem.detail ?? problem.title) + (located.length ? ` (${located.join("; ")})` : ""));
    this.code = problem.code;
    this.status = problem.status;
    this.json = problem;
  }
}

/** Nobody answers at the gateway's address. */
export class UnreachableError extends Error {
  override name = "UnreachableError";
}

/** The gateway of `--gateway URL`, else `$OCT_GATEWAY`, else {@link DEFAULT_GATEWAY}. */
export function gatewayOf(values: Values): string {
  const given = typeof values.gateway === "string" ? values.gateway : process.env.OCT_GATEWAY;
  const text = given || DEFAULT_GATEWAY;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--gateway ${text} is not a URL (e.g. ${DEFAULT_GATEWAY})`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError(`--gateway ${text} must be an http:// or https:// URL`);
  return url.href.replace(/\/+$/, "");
}

export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text of a non-JSON answer (CSV). */
  body: T;
}

export interface CallOptions {
  json?: unknown;
  headers?: Record<string, string>;
}

/**
 * Calls one gateway.
 *
 * @example
 * const client = new GatewayClient("http://127.0.0.1:8787");
 * const { body } = await client.call("POST", "/v1/balance", { json: { token } });
 */
export class GatewayClient {
  readonly url: string;
  private readonly progress: Output["progress"];
  private readonly timeoutMs: number;

  constructor(url: string, options: { progress?: Output["progress"]; timeoutMs?: number } = {}) {
    this.url = url.replace(/\/+$/, "");
    this.progress = options.progress;
    this.timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  private gatewayId: Promise<string> | undefined;

  /**
   * The gateway's own URL of `path`: under its `gateway.id` when that is an
   * http(s) URL (what a holder proof's `htu` must name, spec §6.6), else under
   * the address called.
   */
  async publicUrl(path: string): Promise<string> {
    this.gatewayId ??= this.call<{ gateway?: unknown }>("GET", "/.well-known/oct-gateway").then(
      ({ body }) => (typeof body.gateway === "string" ? body.gateway : ""),
    );
    const id = await this.gatewayId;
    return isHttpUrl(id) ? new URL(path, id).href : this.url + path;
  }

  /** The answer of a call that succeeded (2xx); any other answer throws. */
  async call<T = unknown>(
    method: "GET" | "POST",
    path: string,
    options: CallOptions = {},
  ): Promise<Answer<T>> {
    const response = await this.fetch(method, path, options);
    const type = response.headers.get("content-type") ?? "";
    const text = await response.text();
    const json = /\bjson\b/.test(type) ? parseJson(text) : undefined;
    if (isProblem(json)) throw new GatewayError(json);
    if (!response.ok || (/json/.test(type) && json === undefined)) {
      throw new Error(
        `the server at ${this.url} answered ${method} ${path} with ${response.status} ${type || "(no content type)"}, ` +
          `not an OCT answer: is ${this.url} an OCT gateway?`,
      );
    }
    return { status: response.status, headers: response.headers, body: (json ?? text) as T };
  }

  private async fetch(method: string, path: string, options: CallOptions): Promise<Response> {
    const stop = this.showProgress(`${method} ${path} at ${this.url}`);
    try {
      return await fetch(this.url + path, {
        method,
        headers: {
          accept: "application/json, application/problem+json, text/csv",
          ...(options.json !== undefined ? { "content-type": "application/json" } : {}),
          ...options.headers,
        },
        ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      if ((error as Error).name === "TimeoutError") {
        throw new Error(
          `the gateway at ${this.url} did not answer ${method} ${path} within ${this.timeoutMs / 1000} s`,
        );
      }
      throw new UnreachableError(
        `cannot reach the gateway at ${this.url}: is it running? (npm start)`,
        {
          cause: error,
        },
      );
    } finally {
      stop();
    }
  }

  /** A spinner on stderr while a call is slow; returns what clears it. */
  private showProgress(what: string): () => void {
    const progress = this.progress;
    if (!progress) return () => {};
    const started = Date.now();
    let frame = 0;
    let shown = false;
    const timer = setInterval(() => {
      const elapsed = Date.now() - started;
      if (elapsed < PROGRESS_AFTER_MS) return;
      shown = true;
      progress(
        `${SPINNER[frame++ % SPINNER.length]} waiting for ${what} (${(elapsed / 1000).toFixed(1)} s)`,
      );
    }, 100);
    return () => {
      clearInterval(timer);
      if (shown) progress(undefined);
    };
  }
}

/**
 * The gateway's id and receipt keys, from its metadata and JWKS.
 *
 * @example
 * const keys = await fetchGatewayKeys(new GatewayClient("http://127.0.0.1:8787"));
 */
export async function fetchGatewayKeys(client: GatewayClient): Promise<GatewayKeys> {
  const metadata = await client.call<{ gateway?: unknown }>("GET", "/.well-known/oct-gateway");
  const jwks = await client.call<JSONWebKeySet>("GET", "/.well-known/jwks.json");
  if (typeof metadata.body.gateway !== "string" || !Array.isArray(jwks.body?.keys)) {
    throw new Error(`${client.url} does not publish OCT gateway metadata and a JWK Set`);
  }
  return { id: metadata.body.gateway, jwks: jwks.body };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isProblem(value: unknown): value is Problem {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Problem).code === "string" &&
    typeof (value as Problem).status === "number" &&
    typeof (value as Problem).type === "string"
  );
}
