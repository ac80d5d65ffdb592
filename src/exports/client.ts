/**
 * @module The package's paying client (`open-compute-token/client`): a
 * `fetch` that answers an app's 402 payment challenge (spec §16) with the
 * holder's token, once, with an `Idempotency-Key`, and the answer's receipt;
 * and the pieces of the exchange for a client of one's own.
 *
 * @example
 * import { payingFetch, receiptOf } from "open-compute-token/client";
 * const pay = payingFetch({ token, gateways: ["https://gw.example"] });
 * const answer = await pay("https://app.example/v1/generate", { method: "POST", body: "{}" });
 * console.log(answer.status, receiptOf(answer));
 */
export {
  authorizationUrlOf,
  payingFetch,
  receiptOf,
  refusalOf,
  type PayingFetchOptions,
  type ProofRequest,
} from "../client/paying-fetch.ts";
export { challengeOf, formatChallenge, type PaymentChallenge } from "../core/payment/challenge.ts";
export { credentialsOf, tokenOfCredentials } from "../core/payment/credentials.ts";
export {
  GatewayApi,
  GatewayRefusal,
  type AuthorizationAsk,
  type GatewayApiOptions,
  type GatewayProblem,
  type Quantity,
} from "../client/gateway.ts";
export { GatewayReceipts, type ExpectedReceipt } from "../client/receipts.ts";
