/**
 * @module Receipts checked offline against one gateway (`spec/oct.md` §9.4
 * steps 1-4, §16.2 step 8): the key by `kid` from the gateway's key set at
 * `<gateway>/.well-known/jwks.json`, fetched and cached by the same
 * machinery and under the same limits as carrier key sets (§5.5), and the
 * gateway's id from its metadata, asked once. Nothing is asked of the
 * gateway per receipt.
 */
import { decodeProtectedHeader } from "jose";
import { verifyReceipt, type ReceiptClaims } from "../cli/signed.ts";
import { OctError } from "../core/errors.ts";
import { DEFAULT_LIMITS } from "../core/network/config.ts";
import { RemoteJwks } from "../adapters/keys/remote-jwks.ts";
import { systemClock, type Clock } from "../ports/clock.ts";
import type { GatewayApi, Quantity } from "./gateway.ts";

/** What the receipt must say besides its signature: whose authorisation, which provider, what credit. */
export interface ExpectedReceipt {
  id: string;
  provider: string;
  credited: Quantity;
}

/** A receipt that does not check out: the gateway is not who it should be, or not saying what it should. */
const refused = (detail: string, cause?: unknown) =>
  new OctError("gateway_unavailable", `the gateway's receipt does not check out: ${detail}`, {
    status: 502,
    ...(cause !== undefined ? { cause } : {}),
  });

/**
 * A gateway's receipts, checked with its published keys.
 *
 * @example
 * const receipts = new GatewayReceipts(api);
 * const claims = await receipts.verify(captured.receipt, { id, provider, credited });
 */
export class GatewayReceipts {
  private readonly api: GatewayApi;
  private readonly keys: RemoteJwks;
  private gatewayId: Promise<string> | undefined;

  constructor(api: GatewayApi, options: { fetch?: typeof fetch; clock?: Clock } = {}) {
    this.api = api;
    this.keys = new RemoteJwks({
      clock: options.clock ?? systemClock,
      limits: DEFAULT_LIMITS,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  /** The gateway's id (the `iss` of its receipts), from its metadata; asked again after a failure. */
  private idOfGateway(): Promise<string> {
    this.gatewayId ??= this.api.metadata().then(
      (metadata) => metadata.gateway,
      (error: unknown) => {
        this.gatewayId = undefined;
        throw error;
      },
    );
    return this.gatewayId;
  }

  /** The receipt's claims when it verifies and says what `expected` says; else `gateway_unavailable` (502). */
  async verify(receipt: string, expected: ExpectedReceipt): Promise<ReceiptClaims> {
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(receipt).kid;
    } catch (error) {
      throw refused("it is not a JWS", error);
    }
    if (typeof kid !== "string") throw refused("its header names no kid");
    const [id, key] = await Promise.all([
      this.idOfGateway(),
      this.keys.keyFor(`${this.api.url}/.well-known/jwks.json`, kid).catch((error: unknown) => {
        throw refused(`the gateway's keys cannot be fetched (${(error as Error).message})`, error);
      }),
    ]);
    if (!key) throw refused(`no key ${kid} in the gateway's key set`);
    let claims: ReceiptClaims;
    try {
      ({ claims } = await verifyReceipt(receipt, { id, jwks: { keys: [key as never] } }));
    } catch (error) {
      throw refused((error as Error).message, error);
    }
    const said = claims.oct_receipt;
    if (claims.jti !== expected.id) throw refused(`it is for ${claims.jti}, not ${expected.id}`);
    if (said.provider !== expected.provider)
      throw refused(`it names the provider ${said.provider}, not ${expected.provider}`);
    if (
      said.credited.amount !== expected.credited.amount ||
      said.credited.unit !== expected.credited.unit
    )
      throw refused(
        `it credits ${said.credited.amount} ${said.credited.unit}, not ${expected.credited.amount} ${expected.credited.unit}`,
      );
    return claims;
  }
}
