/**
 * @module The package's Hono entry (`open-compute-token/hono`): middleware
 * that makes a route paid in OCT tokens (spec §16), on Node.js and on
 * Workers. Without a token a request gets a 402 challenge; with one the
 * price is authorised at the gateway, the handler runs and reports what it
 * used (`c.get("oct").charge(amount)`), that is captured (or the
 * authorisation voided when the handler fails) and the verified receipt is
 * answered in `OCT-Receipt`.
 *
 * @example
 * import { Hono } from "hono";
 * import { octPayment, type OctPaymentEnv } from "open-compute-token/hono";
 * const app = new Hono<OctPaymentEnv>();
 * app.post(
 *   "/v1/generate",
 *   octPayment({
 *     gateway: "https://gw.example",
 *     provider: "carrier-a-cloud",
 *     price: { amount: "64", unit: "inference-token:llm-large" },
 *     accepts: ["gpu-second:a100-sxm"],
 *   }),
 *   (c) => {
 *     c.get("oct").charge("36");
 *     return c.json({ text: "…" });
 *   },
 * );
 */
export { octPayment, RECEIPT_HEADER, type OctPaymentEnv } from "../app/middleware.ts";
export type { OctPaymentOptions, Price, PriceOf } from "../app/options.ts";
export type { OctPayment, Settlement } from "../app/payment.ts";
export type { PaymentChallenge } from "../core/payment/challenge.ts";
