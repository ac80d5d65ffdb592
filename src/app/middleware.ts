/**
 * @module `octPayment`: Hono middleware that makes a route paid in OCT
 * tokens (`spec/oct.md` §16). Without a token it answers the 402 challenge;
 * with one it authorises the price at the gateway, runs the handler,
 * captures what the handler reports it used (voids when it fails), verifies
 * the receipt offline and answers with it in `OCT-Receipt`. Node.js and
 * Workers alike: it needs only `fetch` and Web Crypto.
 *
 * @example
 * app.post("/v1/generate", octPayment({ gateway, provider: "carrier-a-cloud",
 *   price: { amount: "64", unit: "inference-token:llm-large" }, accepts: ["gpu-second:a100-sxm"] }),
 *   (c) => { c.get("oct").charge("36"); return c.json({ text }); });
 */
import type { Context, MiddlewareHandler } from "hono";
import { OctError } from "../core/errors.ts";
import { authorizationKey } from "../core/payment/authorization-key.ts";
import type { PaymentChallenge } from "../core/payment/challenge.ts";
import { tokenOfCredentials } from "../core/payment/credentials.ts";
import { IDEMPOTENCY_KEY } from "../core/redemption/fingerprint.ts";
import type { Redemption } from "../generated/types.ts";
import { GatewayApi, GatewayRefusal } from "../client/gateway.ts";
import { GatewayReceipts } from "../client/receipts.ts";
import { challengeAnswer, octErrorAnswer, refusalAnswer } from "./answers.ts";
import {
  checkOptions,
  priceProblem,
  type OctPaymentOptions,
  type Price,
  type PriceOf,
} from "./options.ts";
import { Payment, type OctPayment } from "./payment.ts";
import { settledStream } from "./settled-stream.ts";

/** The context of a paid route: `c.get("oct")` is its payment. */
export interface OctPaymentEnv {
  Variables: { oct: OctPayment };
}

/** The header field of the receipt (spec §16.2 step 9). */
export const RECEIPT_HEADER = "OCT-Receipt";

async function priceOfRequest(c: Context, price: PriceOf): Promise<Price> {
  if (typeof price !== "function") return price;
  const priced = await price(c);
  const problem = priceProblem(priced);
  if (problem)
    throw new TypeError(`octPayment: the price of ${c.req.method} ${c.req.path} ${problem}`);
  return { amount: priced.amount, unit: priced.unit };
}

/** The authorisation's key (spec §16.4): derived from the client's key and the request, else new. */
async function keyOf(c: Context, provider: string): Promise<string> {
  const clientKey = c.req.header("idempotency-key");
  if (clientKey === undefined) return `oct-app.${crypto.randomUUID()}`;
  if (!IDEMPOTENCY_KEY.test(clientKey))
    throw new OctError(
      "request_invalid",
      "the Idempotency-Key must be 1 to 255 visible ASCII characters other than a comma (spec §8.5)",
    );
  const url = new URL(c.req.url);
  const bodiless = c.req.method === "GET" || c.req.method === "HEAD";
  return authorizationKey({
    provider,
    method: c.req.method,
    target: url.pathname + url.search,
    // Hono keeps the body it read: the handler reads it again as it likes. (After a
    // middleware that parsed it as JSON, Hono hands back that JSON serialised again:
    // the same for the same request, which is what the key needs.)
    content: bodiless ? new Uint8Array() : new Uint8Array(await c.req.arrayBuffer()),
    clientKey,
  });
}

/** The refusal of a key whose request was settled before (spec §16.2 step 5). */
function settledBefore(authorization: Redemption): OctError {
  const before = `the request with this Idempotency-Key was`;
  switch (authorization.status) {
    case "captured":
      return new OctError(
        "authorization_captured",
        `${before} paid and answered: a new request needs a new key`,
      );
    case "voided":
      return new OctError(
        "authorization_voided",
        `${before} not served and nothing was paid: send it with a new key`,
      );
    case "expired":
      return new OctError(
        "authorization_expired",
        `${before} abandoned and its authorisation expired: send it with a new key`,
      );
    default:
      return new OctError(
        "gateway_unavailable",
        `the gateway answered an authorisation with status ${authorization.status}`,
        { status: 502 },
      );
  }
}

/** The answer to a failure of the gateway, or of the payment, in the words of spec §16.3. */
function answerFor(c: Context, error: unknown, challenge: PaymentChallenge): Response {
  if (error instanceof GatewayRefusal) return refusalAnswer(c, error, challenge);
  if (error instanceof OctError) return octErrorAnswer(c, error);
  throw error;
}

/** An answer whose body is produced after the handler returned (Hono's streaming helpers mark it so). */
function isStreamed(response: Response): boolean {
  return (
    /^text\/event-stream\b/i.test(response.headers.get("content-type") ?? "") ||
    /\bchunked\b/i.test(response.headers.get("transfer-encoding") ?? "")
  );
}

/** Replaces the answer, none of the handler's header fields carried over (Hono merges them otherwise). */
function replaceAnswer(c: Context, response: Response): void {
  c.res = undefined as unknown as Response;
  c.res = response;
}

/** Keeps a request's work alive after its answer where the runtime allows (Workers' waitUntil). */
function keepAliveIn(c: Context): (work: Promise<unknown>) => void {
  return (work) => {
    try {
      c.executionCtx.waitUntil(work);
    } catch {
      // No execution context (Node.js): the process outlives the answer anyway.
    }
  };
}

/**
 * The payment middleware, its options checked now: a mistake throws a
 * `TypeError` naming the option.
 */
export function octPayment(options: OctPaymentOptions): MiddlewareHandler<OctPaymentEnv> {
  const config = checkOptions(options);
  const api = new GatewayApi(config.gateway, {
    ...(config.fetch ? { fetch: config.fetch } : {}),
    ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
  });
  const receipts = new GatewayReceipts(api, config.fetch ? { fetch: config.fetch } : {});
  const holderProof = config.holderProof ?? ((c: Context) => c.req.header("dpop"));

  return async (c, next) => {
    const report = (error: Error) =>
      config.onError ? config.onError(error, c) : console.error("octPayment:", error);
    const price = await priceOfRequest(c, config.price);
    const challenge: PaymentChallenge = {
      gateway: config.gateway,
      provider: config.provider,
      price,
      units: [...config.accepts],
    };
    const token = tokenOfCredentials(c.req.header("authorization"));
    if (token === undefined) return challengeAnswer(c, challenge);

    let payment: Payment;
    try {
      const key = await keyOf(c, config.provider);
      const proof = holderProof(c);
      const authorization = await api.authorize(
        { token, provider: config.provider, amount: price.amount, unit: price.unit },
        key,
        proof !== undefined ? { dpop: proof } : {},
      );
      if (authorization.status !== "authorized") throw settledBefore(authorization);
      payment = new Payment(authorization, price, { api, receipts, provider: config.provider });
    } catch (error) {
      return answerFor(c, error, challenge);
    }

    c.set("oct", payment);
    await next();
    if (c.error !== undefined || c.res.status >= 400) {
      // The handler failed or refused: nothing is charged, its answer stands.
      await payment.abandon().catch(report);
      return;
    }
    if (isStreamed(c.res) && c.res.body) {
      const body = settledStream(c.res.body, payment, report, keepAliveIn(c));
      replaceAnswer(c, new Response(body, c.res));
      return;
    }
    try {
      const settlement = await payment.settle();
      if (settlement.status === "captured") c.header(RECEIPT_HEADER, settlement.receipt);
    } catch (error) {
      // No receipt, no answer: the client may retry with its key (spec §16.2 step 9).
      replaceAnswer(c, answerFor(c, error, challenge));
    }
  };
}
