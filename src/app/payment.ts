/**
 * @module One paid request's payment (`spec/oct.md` §16.2 steps 6-8): the
 * authorisation the gateway granted, what the handler reports it used, and
 * its settlement, made exactly once whichever way the request ends: a
 * capture of what was used (its receipt verified), or a void.
 */
import { formatAmount, parseAmount, type Atto } from "../core/amount/decimal.ts";
import { OctError } from "../core/errors.ts";
import type { ReceiptClaims } from "../cli/signed.ts";
import type { Redemption } from "../generated/types.ts";
import { GatewayRefusal, type GatewayApi, type Quantity } from "../client/gateway.ts";
import type { GatewayReceipts } from "../client/receipts.ts";

/** How a payment ended. */
export type Settlement =
  | { status: "captured"; receipt: string; claims: ReceiptClaims; redemption: Redemption }
  | { status: "voided"; redemption?: Redemption };

/** What a handler sees of its request's payment: `c.get("oct")`. */
export interface OctPayment {
  /** The most the request may cost, in the provider's unit. */
  readonly price: Quantity;
  /** The identity of the token that pays. */
  readonly token: { iss: string; jti: string };
  /** What the handler has reported so far (a canonical amount of the price's unit). */
  readonly charged: string;
  /** The receipt, once the payment is captured. */
  readonly receipt: string | undefined;
  /**
   * Reports usage, added to what was reported before (e.g. one call per
   * output token, or one with the total). Throws `capture_exceeds_authorization`
   * beyond the price, and after the payment is settled. A handler that
   * reports nothing is charged the price.
   */
  charge(amount: string): void;
  /**
   * Settles now: captures what was reported (the price if nothing was) and
   * verifies its receipt. Once: later calls, and the middleware's own, get
   * the same settlement. A streaming handler calls it to send the receipt
   * in its stream.
   */
  settle(): Promise<Settlement>;
}

/** How many times a capture or void is sent when the gateway is busy or out of reach. */
const ATTEMPTS = 3;

/** A capture or void, repeated while the gateway is busy (after its Retry-After, at most 1 s) or gives no answer. */
async function persistently<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const busy = error instanceof GatewayRefusal && error.code === "ledger_busy";
      const silent =
        error instanceof OctError && error.code === "gateway_unavailable" && error.status === 503;
      if (attempt >= ATTEMPTS || !(busy || silent)) throw error;
      const seconds = busy ? (error.retryAfterSeconds ?? 1) : 0.25;
      await new Promise((resolve) => setTimeout(resolve, Math.min(seconds, 1) * 1000));
    }
  }
}

export interface PaymentDeps {
  api: GatewayApi;
  receipts: GatewayReceipts;
  provider: string;
}

/** A payment as the middleware drives it: the handler's view, and the ways a request can end. */
export class Payment implements OctPayment {
  readonly price: Quantity;
  readonly token: { iss: string; jti: string };
  private readonly authorization: Redemption;
  private readonly deps: PaymentDeps;
  private readonly limit: Atto;
  private used: Atto = 0n;
  private reported = false;
  private settlement: Promise<Settlement> | undefined;
  private captured: string | undefined;

  constructor(authorization: Redemption, price: Quantity, deps: PaymentDeps) {
    this.authorization = authorization;
    this.price = price;
    this.token = authorization.token;
    this.deps = deps;
    this.limit = parseAmount(price.amount)!;
  }

  get charged(): string {
    return formatAmount(this.used);
  }

  get receipt(): string | undefined {
    return this.captured;
  }

  charge(amount: string): void {
    if (this.settlement) throw new Error("octPayment: charge() after the payment was settled");
    const value = parseAmount(amount);
    if (value === undefined || formatAmount(value) !== amount)
      throw new TypeError(
        `octPayment: charge(${JSON.stringify(amount)}): not an amount in canonical form`,
      );
    if (this.used + value > this.limit)
      throw new OctError(
        "capture_exceeds_authorization",
        `the handler reported ${formatAmount(this.used + value)} ${this.price.unit}, more than the price ${this.price.amount}`,
      );
    this.used += value;
    this.reported = true;
  }

  settle(): Promise<Settlement> {
    return this.once(() => this.captureOrVoid(this.reported ? this.used : this.limit));
  }

  /** The request failed (the handler threw, or answered an error): nothing is charged. */
  abandon(): Promise<Settlement> {
    return this.once(() => this.voided());
  }

  /** A stream ended early (the client went away, the stream failed): what was reported until then. */
  cut(): Promise<Settlement> {
    return this.once(() => this.captureOrVoid(this.used));
  }

  private once(settle: () => Promise<Settlement>): Promise<Settlement> {
    this.settlement ??= settle();
    return this.settlement;
  }

  private async captureOrVoid(used: Atto): Promise<Settlement> {
    if (used === 0n) return this.voided();
    const credited = { amount: formatAmount(used), unit: this.price.unit };
    const { api, receipts, provider } = this.deps;
    const redemption = await persistently(() => api.capture(this.authorization.id, credited));
    if (redemption.status !== "captured" || redemption.receipt === undefined)
      throw new OctError(
        "gateway_unavailable",
        `the capture of ${this.authorization.id} was answered with status ${redemption.status} and no receipt`,
        { status: 502 },
      );
    const claims = await receipts.verify(redemption.receipt, {
      id: this.authorization.id,
      provider,
      credited,
    });
    this.captured = redemption.receipt;
    return { status: "captured", receipt: redemption.receipt, claims, redemption };
  }

  private async voided(): Promise<Settlement> {
    const redemption = await persistently(() => this.deps.api.void(this.authorization.id));
    return { status: "voided", redemption };
  }
}
