/**
 * @module The Durable Object bindings of the Worker (`wrangler.toml`).
 */
import type { TokenLedger } from "./token-ledger.ts";
import type { SettlementBook } from "./settlement-book.ts";

export interface LedgerBindings {
  TOKEN_LEDGER: DurableObjectNamespace<TokenLedger>;
  SETTLEMENT_BOOK: DurableObjectNamespace<SettlementBook>;
}
