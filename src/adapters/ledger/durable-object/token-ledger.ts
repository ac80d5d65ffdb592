/**
 * @module One Durable Object per token identity (`spec/oct.md` §8.1): every
 * hold on a token (redemptions, authorisations, grants) is serialised here,
 * wherever in the world it was asked for, while different tokens scale
 * out. It owns its invariants; the Worker only routes to it. An alarm set
 * at the next expiry applies lapsed holds' expiry, deletes expired quotes
 * and forwards settlement entries to the settlement book until they arrive.
 */
import { DurableObject } from "cloudflare:workers";
import type {
  CaptureTerms,
  Failure,
  QuoteRecord,
  RedemptionRecord,
} from "../../../core/redemption/record.ts";
import type {
  Balance,
  HoldOutcome,
  HoldView,
  PlaceHoldInput,
  PlaceHoldOutcome,
  ReserveInput,
  ReserveOutcome,
  SaveQuoteOutcome,
} from "../../../ports/ledger.ts";
import { LEDGER_MIGRATIONS } from "../sql/schema.ts";
import { SettlementOutbox } from "../sql/settlement-outbox.ts";
import { SqlLedger } from "../sql/sql-ledger.ts";
import type { LedgerBindings } from "./bindings.ts";
import { durableObjectSql } from "./storage-driver.ts";

export class TokenLedger extends DurableObject<LedgerBindings> {
  private readonly ledger: SqlLedger;
  private readonly outbox: SettlementOutbox;

  constructor(ctx: DurableObjectState, env: LedgerBindings) {
    super(ctx, env);
    const sql = durableObjectSql(ctx.storage, LEDGER_MIGRATIONS);
    this.outbox = new SettlementOutbox(sql);
    this.ledger = new SqlLedger(sql, this.outbox);
  }

  async reserve(input: ReserveInput): Promise<ReserveOutcome> {
    const outcome = await this.ledger.reserve(input);
    if (outcome.kind === "reserved") await this.scheduleAlarm();
    return outcome;
  }

  async commit(tokenKey: string, id: string, now: number): Promise<RedemptionRecord | undefined> {
    const record = await this.ledger.commit(tokenKey, id, now);
    await this.forwardSettlement();
    return record;
  }

  release(
    tokenKey: string,
    id: string,
    failure: Failure,
    now: number,
  ): Promise<RedemptionRecord | undefined> {
    return this.ledger.release(tokenKey, id, failure, now);
  }

  beginCapture(
    tokenKey: string,
    id: string,
    terms: CaptureTerms,
    now: number,
  ): Promise<RedemptionRecord | undefined> {
    return this.ledger.beginCapture(tokenKey, id, terms, now);
  }

  void(tokenKey: string, id: string, now: number): Promise<RedemptionRecord | undefined> {
    return this.ledger.void(tokenKey, id, now);
  }

  get(tokenKey: string, id: string): Promise<RedemptionRecord | undefined> {
    return this.ledger.get(tokenKey, id);
  }

  history(tokenKey: string, limit: number): Promise<RedemptionRecord[]> {
    return this.ledger.history(tokenKey, limit);
  }

  lookup(tokenKey: string, idempotencyKey: string): Promise<RedemptionRecord | undefined> {
    return this.ledger.lookup(tokenKey, idempotencyKey);
  }

  balance(tokenKey: string, now: number): Promise<Balance> {
    return this.ledger.balance(tokenKey, now);
  }

  async saveQuote(quote: QuoteRecord, now: number, most: number): Promise<SaveQuoteOutcome> {
    const outcome = await this.ledger.saveQuote(quote, now, most);
    if (outcome.kind === "saved") await this.scheduleAlarm();
    return outcome;
  }

  getQuote(tokenKey: string, id: string): Promise<QuoteRecord | undefined> {
    return this.ledger.getQuote(tokenKey, id);
  }

  async placeHold(input: PlaceHoldInput): Promise<PlaceHoldOutcome> {
    const outcome = await this.ledger.placeHold(input);
    if (outcome.kind === "placed") await this.scheduleAlarm();
    return outcome;
  }

  captureHold(
    tokenKey: string,
    id: string,
    to: string,
    close: boolean,
    now: number,
  ): Promise<HoldOutcome> {
    return this.ledger.captureHold(tokenKey, id, to, close, now);
  }

  closeHold(tokenKey: string, id: string, now: number): Promise<HoldOutcome> {
    return this.ledger.closeHold(tokenKey, id, now);
  }

  adjustHold(tokenKey: string, id: string, reported: string, now: number): Promise<HoldOutcome> {
    return this.ledger.adjustHold(tokenKey, id, reported, now);
  }

  getHold(tokenKey: string, id: string): Promise<HoldView | undefined> {
    return this.ledger.getHold(tokenKey, id);
  }

  /** The token's holder proofs: one admission at a time, in this object (spec §6.6). */
  admitProof(tokenKey: string, jti: string, usableUntil: number, now: number): Promise<boolean> {
    return this.ledger.admitProof(tokenKey, jti, usableUntil, now);
  }

  /** Recovery (spec §8.6), the quote purge and settlement forwarding, retried until done. */
  override async alarm(): Promise<void> {
    await this.recover(Date.now());
  }

  /**
   * Applies the expiry of holds lapsed at `now`, deletes quotes expired at
   * `now`, forwards settlement, schedules the next alarm.
   */
  async recover(now: number): Promise<number> {
    const expired = await this.ledger.recover(now);
    await this.ledger.purgeQuotes(now);
    await this.ledger.purgeProofs(now);
    await this.forwardSettlement();
    await this.scheduleAlarm();
    return expired;
  }

  private async forwardSettlement(): Promise<void> {
    const entries = this.outbox.pending();
    if (entries.length === 0) return;
    try {
      const book = this.env.SETTLEMENT_BOOK.get(this.env.SETTLEMENT_BOOK.idFromName("global"));
      await book.add(entries);
      await this.outbox.markForwarded(entries.map((entry) => entry.redemption_id));
    } catch {
      // The entries stay in this object's storage; the alarm retries.
      await this.ctx.storage.setAlarm(Date.now() + 5000);
    }
  }

  private async scheduleAlarm(): Promise<void> {
    const next = this.ledger.nextExpiry();
    const pending = this.outbox.pending(1).length > 0 ? Date.now() + 5000 : undefined;
    const at = Math.min(next ?? Infinity, pending ?? Infinity);
    if (at === Infinity) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }
}
