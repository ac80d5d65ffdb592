/**
 * @module The gateway's own signing keys, for receipts and settlement
 * reports: from `gateway.receipt_keys`, or generated on first start and kept
 * by the runtime (SQLite on Node, a Durable Object on Workers).
 */
import type { PrivateJwk } from "../core/signing/keys.ts";

export interface ReceiptKeys {
  /** The key that signs now. */
  signingKey(): Promise<PrivateJwk>;
  /** Every key a verifier may meet (current and retired), private members included. */
  allKeys(): Promise<PrivateJwk[]>;
}
