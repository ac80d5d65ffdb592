/**
 * @module The options of the payment middleware, checked whole when it is
 * created (as Hono's own middleware checks its options): a mistake stops the
 * app at start, with the option named, rather than answering requests
 * wrongly. A price computed per request is checked per request.
 */
import type { Context } from "hono";
import { formatAmount, parsePositiveAmount } from "../core/amount/decimal.ts";
import { checkJwksUri } from "../core/keys/jwks-uri.ts";
import { isKnownUnit } from "../core/units/registry.ts";
import type { Quantity } from "../client/gateway.ts";

/** A price: the most a request costs, in a unit the provider delivers. */
export type Price = Quantity;

/** A fixed price, or the price of each request (which may read its body). */
export type PriceOf = Price | ((c: Context) => Price | Promise<Price>);

export interface OctPaymentOptions {
  /** The gateway's URL: https, or http on a loopback host. */
  gateway: string;
  /** The provider id the app redeems as, at that gateway. */
  provider: string;
  /** The price of a request: the most it costs; the app captures what the handler reports it used. */
  price: PriceOf;
  /** The token units the app accepts (those its gateway has a tariff for), named in its challenge. */
  accepts: readonly string[];
  /** How the gateway is reached: a service binding's `fetch`, or a test's. Default: global fetch. */
  fetch?: typeof fetch;
  /** How long one call to the gateway may take, in ms. Default 10000. */
  timeoutMs?: number;
  /**
   * The holder's proof for a token bound to a key (spec §16.6), passed on
   * with the authorisation. Default: the request's `DPoP` field.
   */
  holderProof?: (c: Context) => string | undefined;
  /**
   * Told of failures nobody else hears of: the settlement of a stream after
   * its answer has left. Default: `console.error`.
   */
  onError?: (error: Error, c: Context) => void;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A price's problem, or `undefined` when it is a canonical positive amount of a registered unit. */
export function priceProblem(price: unknown): string | undefined {
  const { amount, unit } = (price ?? {}) as Partial<Price>;
  if (typeof amount !== "string" || typeof unit !== "string")
    return "must be { amount, unit }, both strings";
  const parsed = parsePositiveAmount(amount);
  if (parsed === undefined || formatAmount(parsed) !== amount)
    return `amount ${JSON.stringify(amount)} is not a positive amount in canonical form (spec §3), e.g. "64" or "0.5"`;
  if (!isKnownUnit(unit)) return `unit ${JSON.stringify(unit)} is not in the unit registry`;
  return undefined;
}

/** The options, checked, the gateway's URL without a trailing slash; throws a `TypeError` naming the option at fault. */
export function checkOptions(options: OctPaymentOptions): OctPaymentOptions {
  const fail = (message: string): never => {
    throw new TypeError(`octPayment: ${message}`);
  };
  if (typeof options !== "object" || options === null) fail("options are required");
  if (typeof options.gateway !== "string") fail('"gateway" is required: the gateway\'s URL');
  const urlProblem = checkJwksUri(options.gateway);
  if (urlProblem) fail(`"gateway" ${options.gateway}: ${urlProblem}`);
  if (new URL(options.gateway).search) fail(`"gateway" ${options.gateway}: must not have a query`);
  if (typeof options.provider !== "string" || !SLUG.test(options.provider))
    fail('"provider" must be a provider id (a slug, e.g. "carrier-a-cloud")');
  if (typeof options.price !== "function") {
    const problem = priceProblem(options.price);
    if (problem) fail(`"price" ${problem}`);
  }
  const accepts = options.accepts as unknown;
  if (!Array.isArray(accepts) || accepts.length === 0)
    fail('"accepts" must list the token units the app accepts, e.g. ["gpu-second:a100-sxm"]');
  for (const unit of accepts as unknown[])
    if (typeof unit !== "string" || !isKnownUnit(unit))
      fail(`"accepts": ${JSON.stringify(unit)} is not in the unit registry`);
  if (new Set(accepts as string[]).size !== (accepts as string[]).length)
    fail('"accepts" names a unit twice');
  if (
    options.timeoutMs !== undefined &&
    (!Number.isInteger(options.timeoutMs) || options.timeoutMs <= 0)
  )
    fail('"timeoutMs" must be a positive integer');
  for (const hook of ["fetch", "holderProof", "onError"] as const)
    if (options[hook] !== undefined && typeof options[hook] !== "function")
      fail(`"${hook}" must be a function`);
  return { ...options, gateway: options.gateway.replace(/\/+$/, "") };
}
