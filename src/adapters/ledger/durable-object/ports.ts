/**
 * @module The Worker's side of the ledger ports: each call goes to the
 * Durable Object that owns the token (named by its token key), settlement
 * the generated receipt key and the assertion jtis to the settlement book.
 */
import type { PrivateJwk } from "../../../core/signing/keys.ts";
import type { ListedRedemption } from "../../../core/settlement/redemption-list.ts";
import type { AssertionJtis } from "../../../ports/assertion-jtis.ts";
import type { Ledger } from "../../../ports/ledger.ts";
import type { SettlementStore } from "../../../ports/settlement.ts";
import type { GeneratedKeyStore } from "../../receipt-keys/receipt-keys.ts";
import type { LedgerBindings } from "./bindings.ts";

export function durableObjectLedger(env: LedgerBindings): Ledger {
  const owner = (tokenKey: string) => env.TOKEN_LEDGER.get(env.TOKEN_LEDGER.idFromName(tokenKey));
  return {
    reserve: (input) => owner(input.record.tokenKey).reserve(input),
    commit: (tokenKey, id, now) => owner(tokenKey).commit(tokenKey, id, now),
    release: (tokenKey, id, failure, now) => owner(tokenKey).release(tokenKey, id, failure, now),
    beginCapture: (tokenKey, id, terms, now) =>
      owner(tokenKey).beginCapture(tokenKey, id, terms, now),
    void: (tokenKey, id, now) => owner(tokenKey).void(tokenKey, id, now),
    get: (tokenKey, id) => owner(tokenKey).get(tokenKey, id),
    lookup: (tokenKey, key) => owner(tokenKey).lookup(tokenKey, key),
    history: (tokenKey, limit) => owner(tokenKey).history(tokenKey, limit),
    balance: (tokenKey, now) => owner(tokenKey).balance(tokenKey, now),
    saveQuote: (quote, now, most) => owner(quote.tokenKey).saveQuote(quote, now, most),
    getQuote: (tokenKey, id) => owner(tokenKey).getQuote(tokenKey, id),
    placeHold: (input) => owner(input.identity.tokenKey).placeHold(input),
    captureHold: (tokenKey, id, to, close, now) =>
      owner(tokenKey).captureHold(tokenKey, id, to, close, now),
    closeHold: (tokenKey, id, now) => owner(tokenKey).closeHold(tokenKey, id, now),
    adjustHold: (tokenKey, id, reported, now) =>
      owner(tokenKey).adjustHold(tokenKey, id, reported, now),
    getHold: (tokenKey, id) => owner(tokenKey).getHold(tokenKey, id),
    admitProof: (tokenKey, jti, usableUntil, now) =>
      owner(tokenKey).admitProof(tokenKey, jti, usableUntil, now),
  } as Ledger;
}

const book = (env: LedgerBindings) =>
  env.SETTLEMENT_BOOK.get(env.SETTLEMENT_BOOK.idFromName("global"));

export function durableObjectSettlements(env: LedgerBindings): SettlementStore {
  return {
    sums: (query) => book(env).sums(query),
    list: (query) => book(env).list(query) as Promise<ListedRedemption[]>,
  } as SettlementStore;
}

export function durableObjectAssertionJtis(env: LedgerBindings): AssertionJtis {
  return {
    claim: (party, jti, keepUntil, now) => book(env).claimAssertion(party, jti, keepUntil, now),
  };
}

export function durableObjectKeyStore(env: LedgerBindings): GeneratedKeyStore {
  return {
    get: () => book(env).receiptKey() as Promise<PrivateJwk | undefined>,
    putIfAbsent: (key) => book(env).putReceiptKeyIfAbsent(key) as Promise<PrivateJwk>,
  };
}
