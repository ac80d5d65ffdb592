/**
 * @module One Durable Object per token identity (`spec/oct.md` §8.1): every
 * hold on a token (redemptions, authorisations, grants) is serialised here,
 * wherever in the world it was asked for, while different tokens scale
 * out. It owns its invariants; the Worker only routes to it. It is its
 * token's home ledger and, at a visited gateway, the holder of its grants
 * (§11). An alarm set at the next expiry applies lapsed holds' expiry,
 * deletes expired quotes, forwards settlement entries and the grant index
 * to the settlement book until they arrive, and, while the token has grant
 * work, runs the visited gateway's reporting turn every second (§11.9).
 */
import { DurableObject } from "cloudflare:workers";
import type { UsageReport } from "../../../core/federation/issued-grant.ts";
import type { HeldGrantRecord, IssuedGrantRecord } from "../../../core/federation/records.ts";
import type { Federation } from "../../../core/network/peers.ts";
import type {
  GrantAskRecord,
  GrantWork,
  IssueGrantInput,
  IssueGrantOutcome,
} from "../../../ports/grant-ledger.ts";
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
import { GRANT_INDEX_OUTBOX_MIGRATIONS, GrantIndexOutbox } from "../sql/grant-index.ts";
import { LEDGER_MIGRATIONS } from "../sql/schema.ts";
import { refusable, type Refusable } from "./refusal.ts";
import { SettlementOutbox } from "../sql/settlement-outbox.ts";
import { SqlLedger } from "../sql/sql-ledger.ts";
import type { LedgerBindings } from "./bindings.ts";
import { durableObjectSql } from "./storage-driver.ts";

/** How often a token with grant work runs its reporting turn, as a Node gateway does (ms). */
const REPORT_EVERY_MS = 1000;
/** How soon forwarding to the settlement book is tried again after a failure (ms). */
const FORWARD_RETRY_MS = 5000;

/**
 * A visited gateway's reporting turn for the tokens it is given (spec
 * §11.9): `VisitedGrants.reportAll`, composed by the runtime.
 */
export interface GrantReporter {
  reportAll(work: GrantWork): Promise<void>;
}

export class TokenLedger extends DurableObject<LedgerBindings> {
  protected readonly ledger: SqlLedger;
  private readonly outbox: SettlementOutbox;
  private readonly grantIndex: GrantIndexOutbox;

  constructor(ctx: DurableObjectState, env: LedgerBindings) {
    super(ctx, env);
    const sql = durableObjectSql(ctx.storage, [
      ...LEDGER_MIGRATIONS,
      ...GRANT_INDEX_OUTBOX_MIGRATIONS,
    ]);
    this.outbox = new SettlementOutbox(sql);
    this.grantIndex = new GrantIndexOutbox(sql);
    this.ledger = new SqlLedger(sql, this.outbox);
  }

  /**
   * The reporting of a visited gateway, or none when the gateway does not
   * federate. The runtime's subclass composes it from the configuration.
   */
  protected grantReporter(): GrantReporter | undefined {
    return undefined;
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

  // --- federation (spec §11): the home's issued grants ---

  issuedGrant(tokenKey: string, id: string, now: number): Promise<IssuedGrantRecord | undefined> {
    return this.ledger.issuedGrant(tokenKey, id, now);
  }

  /** Refused as data (insufficient_balance, token_expired): see `refusal.ts`. */
  issueGrant(input: IssueGrantInput): Promise<Refusable<IssueGrantOutcome>> {
    return refusable(async () => {
      const outcome = await this.ledger.issueGrant(input);
      if (outcome.kind === "issued") await this.afterGrantChange();
      return outcome;
    });
  }

  signIssuedGrant(tokenKey: string, id: string, jws: string): Promise<IssuedGrantRecord> {
    return this.ledger.signIssuedGrant(tokenKey, id, jws);
  }

  /** Refused as data (the refusals of spec §11.6): see `refusal.ts`. */
  applyUsage(
    tokenKey: string,
    id: string,
    report: UsageReport,
    now: number,
  ): Promise<Refusable<{ record: IssuedGrantRecord; replay: boolean }>> {
    return refusable(async () => {
      const applied = await this.ledger.applyUsage(tokenKey, id, report, now);
      await this.scheduleAlarm();
      return applied;
    });
  }

  latestIssuedGrants(tokenKey: string, limit: number, now: number): Promise<IssuedGrantRecord[]> {
    return this.ledger.latestIssuedGrants(tokenKey, limit, now);
  }

  issuedGrants(from: number, to: number, peer?: string): Promise<IssuedGrantRecord[]> {
    return this.ledger.issuedGrants(from, to, peer);
  }

  // --- federation: the visited gateway's held grants ---

  heldGrants(tokenKey: string): Promise<HeldGrantRecord[]> {
    return this.ledger.heldGrants(tokenKey);
  }

  latestHeldGrants(tokenKey: string, limit: number): Promise<HeldGrantRecord[]> {
    return this.ledger.latestHeldGrants(tokenKey, limit);
  }

  heldGrant(tokenKey: string, id: string): Promise<HeldGrantRecord | undefined> {
    return this.ledger.heldGrant(tokenKey, id);
  }

  async recordAsk(ask: GrantAskRecord): Promise<void> {
    await this.ledger.recordAsk(ask);
    await this.scheduleAlarm();
  }

  asks(tokenKey: string): Promise<GrantAskRecord[]> {
    return this.ledger.asks(tokenKey);
  }

  dropAsk(tokenKey: string, requestId: string): Promise<void> {
    return this.ledger.dropAsk(tokenKey, requestId);
  }

  async storeHeldGrant(
    tokenKey: string,
    record: HeldGrantRecord,
    requestId: string,
  ): Promise<void> {
    await this.ledger.storeHeldGrant(tokenKey, record, requestId);
    await this.afterGrantChange();
  }

  closeHeldGrant(tokenKey: string, id: string, now: number): Promise<HeldGrantRecord | undefined> {
    return this.ledger.closeHeldGrant(tokenKey, id, now);
  }

  planReport(
    tokenKey: string,
    id: string,
    settings: Pick<Federation, "report_threshold_percent">,
    now: number,
  ): Promise<HeldGrantRecord | undefined> {
    return this.ledger.planReport(tokenKey, id, settings, now);
  }

  acknowledgeReport(
    tokenKey: string,
    id: string,
    seq: number,
  ): Promise<HeldGrantRecord | undefined> {
    return this.ledger.acknowledgeReport(tokenKey, id, seq);
  }

  heldGrantsBetween(from: number, to: number, peer?: string): Promise<HeldGrantRecord[]> {
    return this.ledger.heldGrantsBetween(from, to, peer);
  }

  /**
   * Recovery (spec §8.6), the quote purge, forwarding to the settlement
   * book, and the visited gateway's reporting turn (§11.9), retried until done.
   */
  override async alarm(): Promise<void> {
    await this.recover(Date.now());
    await this.reportGrants();
  }

  /** One reporting turn for this object's token, when the gateway federates and it has grant work. */
  async reportGrants(): Promise<void> {
    const reporter = this.grantReporter();
    if (!reporter) return;
    try {
      await reporter.reportAll(this.ledger);
    } catch (error) {
      // The grants' states are in storage; the next turn takes them up again.
      console.error("oct: reporting grants failed", error);
    }
    await this.scheduleAlarm();
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

  /** A grant issued or received: into the book's index, and its reporting scheduled. */
  private async afterGrantChange(): Promise<void> {
    await this.forwardSettlement();
    await this.scheduleAlarm();
  }

  /** Settlement entries and new grants to the settlement book, each kept here until it has them. */
  private async forwardSettlement(): Promise<void> {
    const entries = this.outbox.pending();
    const grants = this.grantIndex.pending();
    if (entries.length === 0 && grants.length === 0) return;
    try {
      const book = this.env.SETTLEMENT_BOOK.get(this.env.SETTLEMENT_BOOK.idFromName("global"));
      if (entries.length > 0) {
        await book.add(entries);
        await this.outbox.markForwarded(entries.map((entry) => entry.redemption_id));
      }
      if (grants.length > 0) {
        await book.indexGrants(grants);
        await this.grantIndex.markIndexed(grants.map((grant) => grant.id));
      }
    } catch {
      // What was not forwarded stays in this object's storage; the alarm retries.
      await this.ctx.storage.setAlarm(Date.now() + FORWARD_RETRY_MS);
    }
  }

  private async scheduleAlarm(): Promise<void> {
    const now = Date.now();
    const next = this.ledger.nextExpiry();
    const pending =
      this.outbox.pending(1).length > 0 || this.grantIndex.pending().length > 0
        ? now + FORWARD_RETRY_MS
        : undefined;
    const reporting =
      this.grantReporter() && (await this.ledger.tokensWithGrantWork()).length > 0
        ? now + REPORT_EVERY_MS
        : undefined;
    const at = Math.min(next ?? Infinity, pending ?? Infinity, reporting ?? Infinity);
    if (at === Infinity) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }
}
