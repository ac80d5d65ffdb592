/**
 * @module A `fetch` that pays by itself (`spec/oct.md` §16.5): a request
 * answered `402 payment_required` with an `OCT` challenge is sent once more
 * with the holder's token and an `Idempotency-Key`, when the price and the
 * gateway are acceptable. At most two sendings per call: an answer to the
 * paid request is the result, whatever it is, so nothing loops and nothing
 * is paid twice; a caller that retries a call itself passes the same
 * `Idempotency-Key` and the app finds the first payment (§16.4).
 */
import { parseAmount } from "../core/amount/decimal.ts";
import { challengeOf, type PaymentChallenge } from "../core/payment/challenge.ts";
import { credentialsOf } from "../core/payment/credentials.ts";
import type { Quantity } from "./gateway.ts";

/** What a holder's proof of possession is made for: one paid request (spec §2.6, §16.6). */
export interface ProofRequest {
  method: string;
  url: string;
  token: string;
  challenge: PaymentChallenge;
}

export interface PayingFetchOptions {
  /** The holder's token, or how to get it when a request is to be paid. */
  token: string | (() => string | Promise<string>);
  /** The `fetch` to send with. Default: the global one. */
  fetch?: typeof fetch;
  /** The most one request may cost: a challenge above it, or in another unit, is not paid. */
  maxPrice?: Quantity;
  /** The gateways the holder pays at (their URLs): a challenge naming another is not paid. */
  gateways?: readonly string[];
  /**
   * The holder's proof for a token bound to its key (`cnf`), sent as the
   * paid request's `DPoP` field (spec §16.6): one proof per request.
   */
  proof?: (request: ProofRequest) => string | undefined | Promise<string | undefined>;
  /** A new Idempotency-Key for a request that has none. Default: a random UUID. */
  idempotencyKey?: () => string;
}

/** The receipt of a paid answer (its `OCT-Receipt` field), if it has one. */
export function receiptOf(response: Response): string | undefined {
  return response.headers.get("oct-receipt") ?? undefined;
}

const withoutSlash = (url: string) => url.replace(/\/+$/, "");

/**
 * The URL a holder's proof for a paid request names (spec §16.6): the
 * authorisation the app makes, `/v1/redemptions` under the challenge's
 * gateway, not the app's own URL.
 *
 * @example
 * proof: ({ token, challenge }) =>
 *   createHolderProof({ key, method: "POST", url: authorizationUrlOf(challenge), token }),
 */
export function authorizationUrlOf(challenge: PaymentChallenge): string {
  return `${withoutSlash(challenge.gateway)}/v1/redemptions`;
}

/** Why a challenge is not paid, or `undefined` when it may be. */
export function refusalOf(
  challenge: PaymentChallenge,
  options: PayingFetchOptions,
): string | undefined {
  const { maxPrice, gateways } = options;
  if (gateways && !gateways.map(withoutSlash).includes(withoutSlash(challenge.gateway)))
    return `the app redeems at ${challenge.gateway}, not at a gateway the holder pays at`;
  if (maxPrice) {
    const { amount, unit } = challenge.price;
    if (unit !== maxPrice.unit) return `the price is in ${unit}, the budget in ${maxPrice.unit}`;
    if (parseAmount(amount)! > parseAmount(maxPrice.amount)!)
      return `the price ${amount} ${unit} is above the budget of ${maxPrice.amount}`;
  }
  return undefined;
}

/**
 * A `fetch` that answers an app's payment challenge with the holder's token.
 *
 * @example
 * const pay = payingFetch({ token, maxPrice: { amount: "100", unit: "inference-token:llm-large" } });
 * const answer = await pay("https://app.example/v1/generate", { method: "POST", body });
 * const receipt = receiptOf(answer);
 */
export function payingFetch(
  options: PayingFetchOptions,
): (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> {
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  if (
    options.maxPrice &&
    (parseAmount(options.maxPrice.amount) === undefined ||
      typeof options.maxPrice.unit !== "string")
  )
    throw new TypeError(
      'payingFetch: maxPrice must be { amount, unit } with an amount such as "100"',
    );
  return async (input, init) => {
    const request = new Request(input, init);
    // Credentials of the caller's own: the answer is theirs to read.
    if (request.headers.has("authorization")) return send(request);
    const again = request.clone();
    const answer = await send(request);
    if (answer.status !== 402) return answer;
    const challenge = challengeOf(answer.headers.get("www-authenticate"));
    // Only a challenge to pay is paid: a refusal (with `error`) is the result.
    if (!challenge || challenge.error !== undefined || refusalOf(challenge, options)) return answer;
    await answer.body?.cancel();

    const token = typeof options.token === "string" ? options.token : await options.token();
    const headers = new Headers(again.headers);
    headers.set("authorization", credentialsOf(token));
    if (!headers.has("idempotency-key"))
      headers.set("idempotency-key", options.idempotencyKey?.() ?? crypto.randomUUID());
    const proof = await options.proof?.({ method: again.method, url: again.url, token, challenge });
    if (proof !== undefined) headers.set("dpop", proof);
    return send(new Request(again, { headers }));
  };
}
