/**
 * @module The Worker's side of the ledger ports: each call goes to the
 * Durable Object that owns the token (named by its token key), settlement
 * the generated receipt key and the assertion jtis to the settlement book.
 * A grant report for a period asks the book's index which tokens had
 * grants then, and gathers them from those tokens' objects.
 */
import type { PrivateJwk } from "../../../core/signing/keys.ts";
import type { ListedRedemption } from "../../../core/settlement/redemption-list.ts";
import type { AssertionJtis } from "../../../ports/assertion-jtis.ts";
import type { GrantLedger } from "../../../ports/grant-ledger.ts";
import type { Ledger } from "../../../ports/ledger.ts";
import type { SettlementStore } from "../../../ports/settlement.ts";
import type { GeneratedKeyStore } from "../../receipt-keys/receipt-keys.ts";
import type { LedgerBindings } from "./bindings.ts";
import { unrefused } from "./refusal.ts";

const ownerOf = (env: LedgerBindings) => (tokenKey: string) =>
  env.TOKEN_LEDGER.get(env.TOKEN_LEDGER.idFromName(tokenKey));

export function durableObjectLedger(env: LedgerBindings): Ledger {
  const owner = ownerOf(env);
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

/** Gathers one kind of grant from the objects of the tokens that have it, ordered by id as SQL does. */
async function gathered<T extends { terms: { id: string } }>(
  tokenKeys: string[],
  read: (tokenKey: string) => Promise<T[]>,
): Promise<T[]> {
  const records = (await Promise.all(tokenKeys.map(read))).flat();
  return records.sort((a, b) => (a.terms.id < b.terms.id ? -1 : a.terms.id > b.terms.id ? 1 : 0));
}

export function durableObjectGrantLedger(env: LedgerBindings): GrantLedger {
  const owner = ownerOf(env);
  return {
    issuedGrant: (tokenKey, id, now) => owner(tokenKey).issuedGrant(tokenKey, id, now),
    issueGrant: async (input) => unrefused(await owner(input.identity.tokenKey).issueGrant(input)),
    signIssuedGrant: (tokenKey, id, jws) => owner(tokenKey).signIssuedGrant(tokenKey, id, jws),
    applyUsage: async (tokenKey, id, report, now) =>
      unrefused(await owner(tokenKey).applyUsage(tokenKey, id, report, now)),
    latestIssuedGrants: (tokenKey, limit, now) =>
      owner(tokenKey).latestIssuedGrants(tokenKey, limit, now),
    issuedGrants: async (from, to, peer) =>
      gathered(await book(env).grantTokens("issued", from, to, peer), (tokenKey) =>
        owner(tokenKey).issuedGrants(from, to, peer),
      ),
    heldGrants: (tokenKey) => owner(tokenKey).heldGrants(tokenKey),
    latestHeldGrants: (tokenKey, limit) => owner(tokenKey).latestHeldGrants(tokenKey, limit),
    heldGrant: (tokenKey, id) => owner(tokenKey).heldGrant(tokenKey, id),
    recordAsk: (ask) => owner(ask.tokenKey).recordAsk(ask),
    asks: (tokenKey) => owner(tokenKey).asks(tokenKey),
    dropAsk: (tokenKey, requestId) => owner(tokenKey).dropAsk(tokenKey, requestId),
    storeHeldGrant: (tokenKey, record, requestId) =>
      owner(tokenKey).storeHeldGrant(tokenKey, record, requestId),
    closeHeldGrant: (tokenKey, id, now) => owner(tokenKey).closeHeldGrant(tokenKey, id, now),
    planReport: (tokenKey, id, settings, now) =>
      owner(tokenKey).planReport(tokenKey, id, settings, now),
    acknowledgeReport: (tokenKey, id, seq) => owner(tokenKey).acknowledgeReport(tokenKey, id, seq),
    heldGrantsBetween: async (from, to, peer) =>
      gathered(await book(env).grantTokens("held", from, to, peer), (tokenKey) =>
        owner(tokenKey).heldGrantsBetween(from, to, peer),
      ),
  } as GrantLedger;
}

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
