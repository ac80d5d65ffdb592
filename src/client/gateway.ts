/**
 * @module The calls an app makes to its gateway (`spec/oct.md` §7.3, §7.7,
 * §7.8): authorise, capture, void, and the metadata that names it. Only
 * `fetch`, so it runs on Node.js and on Workers alike. An answer is one of
 * three things: the resource (checked against its schema), the gateway's
 * refusal (its problem, kept whole), or `gateway_unavailable` (no answer in
 * time, or one that is not an OCT answer).
 */
import { OctError } from "../core/errors.ts";
import type { GatewayMetadata, Redemption } from "../generated/types.ts";
import {
  validateGatewayMetadata,
  validateRedemption,
  type Validator,
} from "../generated/validators.js";

/** An RFC 9457 problem as an OCT gateway sends it (spec §7.2). */
export interface GatewayProblem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  [member: string]: unknown;
}

/** The gateway said no: its problem, its status and its `Retry-After`, as it sent them. */
export class GatewayRefusal extends Error {
  override name = "GatewayRefusal";
  readonly status: number;
  readonly code: string;
  readonly problem: GatewayProblem;
  readonly retryAfterSeconds: number | undefined;

  constructor(problem: GatewayProblem, retryAfter: string | null) {
    super(problem.detail ?? problem.title);
    this.status = problem.status;
    this.code = problem.code;
    this.problem = problem;
    const seconds = retryAfter === null ? NaN : Number(retryAfter);
    this.retryAfterSeconds = Number.isInteger(seconds) && seconds >= 0 ? seconds : undefined;
  }
}

/** A quantity: an amount of a unit. */
export interface Quantity {
  amount: string;
  unit: string;
}

/** What an authorisation asks for: the price, in the provider's unit, at the app's provider. */
export interface AuthorizationAsk extends Quantity {
  token: string;
  provider: string;
}

export interface GatewayApiOptions {
  /** How the gateway is reached (a service binding's `fetch`, a test's app). Default: global fetch. */
  fetch?: typeof fetch;
  /** How long one call may take. Default 10 s. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

const isProblem = (value: unknown): value is GatewayProblem =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as GatewayProblem).code === "string" &&
  typeof (value as GatewayProblem).status === "number" &&
  typeof (value as GatewayProblem).type === "string";

/**
 * One gateway's API, as an app calls it.
 *
 * @example
 * const api = new GatewayApi("https://gw.example");
 * const authorization = await api.authorize({ token, provider: "p", amount: "5", unit: "pflop" }, key);
 */
export class GatewayApi {
  /** The gateway's URL, without a trailing slash. */
  readonly url: string;
  private readonly fetcher: typeof fetch;
  private readonly timeoutMs: number;

  constructor(url: string, options: GatewayApiOptions = {}) {
    this.url = url.replace(/\/+$/, "");
    this.fetcher = options.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** `POST /v1/redemptions` with capture manual (spec §7.7): the authorisation, or its key's earlier one. */
  authorize(
    ask: AuthorizationAsk,
    idempotencyKey: string,
    headers: Record<string, string> = {},
  ): Promise<Redemption> {
    return this.call("POST", "/v1/redemptions", validateRedemption, {
      json: { ...ask, capture: "manual" },
      headers: { ...headers, "idempotency-key": idempotencyKey },
    });
  }

  /** `POST /v1/redemptions/{id}/capture` (spec §7.8): the captured resource, its receipt in it. */
  capture(id: string, credit: Quantity): Promise<Redemption> {
    return this.call(
      "POST",
      `/v1/redemptions/${encodeURIComponent(id)}/capture`,
      validateRedemption,
      {
        json: { amount: credit.amount, unit: credit.unit },
      },
    );
  }

  /** `POST /v1/redemptions/{id}/void` (spec §7.8): the voided resource. */
  void(id: string): Promise<Redemption> {
    return this.call("POST", `/v1/redemptions/${encodeURIComponent(id)}/void`, validateRedemption, {
      json: {},
    });
  }

  /** `GET /.well-known/oct-gateway` (spec §7.3). */
  metadata(): Promise<GatewayMetadata> {
    return this.call("GET", "/.well-known/oct-gateway", validateGatewayMetadata, {});
  }

  private async call<T>(
    method: "GET" | "POST",
    path: string,
    validate: Validator<T>,
    options: { json?: unknown; headers?: Record<string, string> },
  ): Promise<T> {
    const what = `${method} ${this.url}${path}`;
    let response: Response;
    let text: string;
    try {
      response = await this.fetcher(this.url + path, {
        method,
        headers: {
          accept: "application/json, application/problem+json",
          ...(options.json !== undefined ? { "content-type": "application/json" } : {}),
          ...options.headers,
        },
        ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}),
        redirect: "manual",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new OctError(
        "gateway_unavailable",
        `no answer to ${what}: ${(error as Error).message}`,
        {
          status: 503,
          cause: error,
        },
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok && isProblem(json) && json.status === response.status) {
      throw new GatewayRefusal(json, response.headers.get("retry-after"));
    }
    if (response.ok && validate(json)) return json;
    throw new OctError(
      "gateway_unavailable",
      `${what} was answered ${response.status} ${response.headers.get("content-type") ?? "(no content type)"}, not an OCT answer`,
      { status: 502 },
    );
  }
}
