/**
 * @module The ledger's logic, once, in SQL: the Node adapter runs it on one
 * SQLite file shared by every gateway process, the Workers adapter inside
 * each token's Durable Object. Every change is one transaction that first
 * applies the identity's lapsed holds' expiry; reads take no lock. Money
 * moves only through holds (`holds.ts`); a redemption row records what the
 * API answers beside the hold that backs it.
 */
import { formatAmount, parseAmount, type Atto } from "../../../core/amount/decimal.ts";
import {
  adjust,
  available,
  capture,
  captureAndClose,
  close,
  type Account,
  type Hold,
  type HoldStep,
} from "../../../core/hold/hold.ts";
import {
  isAuthorization,
  RESERVATION_EXPIRED,
  type CaptureTerms,
  type Failure,
  type QuoteRecord,
  type RedemptionRecord,
} from "../../../core/redemption/record.ts";
import type {
  Balance,
  HoldOutcome,
  HoldView,
  Ledger,
  PlaceHoldInput,
  PlaceHoldOutcome,
  ReserveInput,
  ReserveOutcome,
  SaveQuoteOutcome,
} from "../../../ports/ledger.ts";
import { isDrawable, roomOf } from "../../../core/federation/held-grant.ts";
import { lapsed, type UsageReport } from "../../../core/federation/issued-grant.ts";
import {
  heldOf,
  issuedOf,
  withIssued,
  type HeldGrantRecord,
  type IssuedGrantRecord,
} from "../../../core/federation/records.ts";
import type { Federation } from "../../../core/network/peers.ts";
import type {
  GrantAskRecord,
  GrantLedger,
  GrantWork,
  IssueGrantInput,
  IssueGrantOutcome,
} from "../../../ports/grant-ledger.ts";
import type { SqlDriver } from "./driver.ts";
import {
  acknowledgeStep,
  applyUsageStep,
  closeHeldStep,
  issueGrantStep,
  lapseIssuedGrant,
  planReportStep,
  type GrantStepContext,
} from "./grant-steps.ts";
import { SqlGrants } from "./grants.ts";
import { SqlHolds, type Recorded } from "./holds.ts";
import { SqlQuotes } from "./quotes.ts";
import type { SettlementJournal } from "./settlement-entries.ts";

function atto(text: string): Atto {
  const value = parseAmount(text);
  if (value === undefined) throw new Error(`ledger: corrupt amount ${text}`);
  return value;
}

/** Expired quotes deleted per transaction by {@link SqlLedger.purgeQuotes}: a short hold of the lock. */
const PURGE_BATCH = 500;

const balanceOf = (account: Account, recorded?: Recorded): Balance => ({
  committed: formatAmount(account.committed),
  reserved: formatAmount(account.held),
  ...(recorded ? { recorded } : {}),
});

const viewOf = (tokenKey: string, hold: Hold): HoldView => ({
  id: hold.id,
  tokenKey,
  kind: hold.kind,
  amount: formatAmount(hold.amount),
  captured: formatAmount(hold.captured),
  status: hold.status,
  expiresAt: hold.expiresAt,
  onExpiry: hold.onExpiry,
  ...(hold.closedBy ? { closedBy: hold.closedBy } : {}),
  ...(hold.capturedBeforeExpiry !== undefined
    ? { capturedBeforeExpiry: formatAmount(hold.capturedBeforeExpiry) }
    : {}),
  ...(hold.adjusted ? { adjusted: true } : {}),
});

/** A step the state machine cannot refuse here (checked by the caller): its result, or a corrupt ledger. */
function certain(step: HoldStep | undefined, what: string): { account: Account; hold: Hold } {
  if (!step?.ok) throw new Error(`ledger: ${what} refused (${step ? step.refusal : "no hold"})`);
  return step;
}

export class SqlLedger implements Ledger, GrantLedger, GrantWork {
  private readonly sql: SqlDriver;
  private readonly settlement: SettlementJournal;
  private readonly quotes: SqlQuotes;
  private readonly holds: SqlHolds;
  private readonly grants: SqlGrants;
  private readonly grantSteps: GrantStepContext;

  /** `settlement` receives each commit's entry inside the commit's transaction. */
  constructor(sql: SqlDriver, settlement: SettlementJournal) {
    this.sql = sql;
    this.settlement = settlement;
    this.quotes = new SqlQuotes(sql);
    this.holds = new SqlHolds(sql);
    this.grants = new SqlGrants(sql);
    this.grantSteps = { holds: this.holds, grants: this.grants };
  }

  async reserve(input: ReserveInput): Promise<ReserveOutcome> {
    const { record, faceValue, now } = input;
    return this.sql.transaction(() => {
      this.expireIdentity(record.tokenKey, now);
      const stored = this.lookupSync(record.tokenKey, record.idempotencyKey);
      if (stored) {
        return stored.requestHash === record.requestHash
          ? { kind: "existing", record: stored }
          : { kind: "conflict", record: stored };
      }
      const opened = this.holds.open({
        tokenKey: record.tokenKey,
        token: record.token,
        faceValue,
        unit: record.debited.unit,
      });
      if ("mismatch" in opened) return { kind: "mismatch", recorded: opened.mismatch };
      const debit = atto(record.debited.amount);
      if (input.grant) {
        // A visited gateway draws on one held grant (spec §11.9): re-checked here, serialised.
        const held = this.grants.held(record.tokenKey, input.grant.id);
        const grant = held && heldOf(held);
        if (!grant || !isDrawable(grant, now, input.grant.marginMs) || roomOf(grant) < debit)
          return { kind: "no_grant_room" };
        if (record.expiresAt > grant.validUntil)
          throw new Error("ledger: a reservation past its grant's valid_until");
        this.grants.saveHeld({ ...held, lastDrawnAt: now });
      }
      const step = this.holds.place(
        record.tokenKey,
        opened.account,
        {
          id: record.id,
          kind: isAuthorization(record) ? "authorization" : "redemption",
          amount: debit,
          expiresAt: record.expiresAt,
          onExpiry: "release",
        },
        input.grant?.id,
      );
      if (!step.ok) return { kind: "insufficient", balance: balanceOf(opened.account) };
      const placed: RedemptionRecord = {
        ...record,
        remaining: formatAmount(available(step.account)),
      };
      this.sql.run(
        "INSERT INTO redemptions (id, token_key, idempotency_key, request_hash, status, record) VALUES (?, ?, ?, ?, ?, ?)",
        record.id,
        record.tokenKey,
        record.idempotencyKey,
        record.requestHash,
        record.status,
        JSON.stringify(placed),
      );
      return { kind: "reserved", record: placed, balance: balanceOf(step.account) };
    });
  }

  async commit(tokenKey: string, id: string, now: number): Promise<RedemptionRecord | undefined> {
    return this.sql.transaction(() => {
      this.expireIdentity(tokenKey, now);
      const record = this.recordOf(tokenKey, id);
      if (record?.status === "reserved") {
        return this.commitRecord(record, record.debited, record.credited, now, {
          status: "committed",
        });
      }
      if (record?.status === "authorized" && record.capture) {
        const { debited, credited } = record.capture;
        return this.commitRecord(record, debited, credited, now, {
          status: "captured",
          captured_at: new Date(now).toISOString(),
        });
      }
      return record;
    });
  }

  async release(
    tokenKey: string,
    id: string,
    failure: Failure,
    now: number,
  ): Promise<RedemptionRecord | undefined> {
    return this.sql.transaction(() => {
      this.expireIdentity(tokenKey, now);
      const record = this.recordOf(tokenKey, id);
      if (record?.status !== "reserved") return record;
      return this.closeRecord(record, { status: "released", failure });
    });
  }

  async beginCapture(
    tokenKey: string,
    id: string,
    terms: CaptureTerms,
    now: number,
  ): Promise<RedemptionRecord | undefined> {
    return this.sql.transaction(() => {
      this.expireIdentity(tokenKey, now);
      const record = this.recordOf(tokenKey, id);
      if (record?.status !== "authorized" || record.capture) return record;
      if (atto(terms.debited.amount) > atto(record.debited.amount)) {
        throw new Error("ledger: a capture above its authorisation");
      }
      const asked: RedemptionRecord = { ...record, capture: terms };
      this.saveRecord(asked);
      return asked;
    });
  }

  async void(tokenKey: string, id: string, now: number): Promise<RedemptionRecord | undefined> {
    return this.sql.transaction(() => {
      this.expireIdentity(tokenKey, now);
      const record = this.recordOf(tokenKey, id);
      if (record?.status !== "authorized") return record;
      return this.closeRecord(record, { status: "voided" });
    });
  }

  async get(tokenKey: string, id: string): Promise<RedemptionRecord | undefined> {
    return this.recordOf(tokenKey, id);
  }

  async history(tokenKey: string, limit: number): Promise<RedemptionRecord[]> {
    return this.sql
      .all(
        "SELECT record FROM redemptions WHERE token_key = ? ORDER BY rowid DESC LIMIT ?",
        tokenKey,
        limit,
      )
      .map((row) => JSON.parse(String(row.record)) as RedemptionRecord);
  }

  async lookup(tokenKey: string, idempotencyKey: string): Promise<RedemptionRecord | undefined> {
    return this.lookupSync(tokenKey, idempotencyKey);
  }

  async balance(tokenKey: string, now: number): Promise<Balance> {
    // Lapsed holds read as expired (spec §8.6) without taking the write lock:
    // verification and balances never wait for writers (§8.1). The next
    // change to the token, or recovery, applies their expiry for good.
    const account = this.holds.accountAt(tokenKey, now);
    if (!account) return { committed: "0", reserved: "0" };
    const { recorded, ...totals } = account;
    return balanceOf(totals, recorded);
  }

  async saveQuote(quote: QuoteRecord, now: number, most: number): Promise<SaveQuoteOutcome> {
    // A token already full is refused without the write lock: a client
    // asking over and over costs reads only.
    return (
      this.quotes.full(quote.tokenKey, now, most) ??
      this.sql.transaction(() => this.quotes.save(quote, now, most))
    );
  }

  async getQuote(tokenKey: string, id: string): Promise<QuoteRecord | undefined> {
    return this.quotes.get(tokenKey, id);
  }

  async placeHold(input: PlaceHoldInput): Promise<PlaceHoldOutcome> {
    const { identity, hold, now } = input;
    return this.sql.transaction(() => {
      this.expireIdentity(identity.tokenKey, now);
      const existing = this.holds.get(identity.tokenKey, hold.id);
      if (existing) return { kind: "existing", hold: viewOf(identity.tokenKey, existing) };
      const opened = this.holds.open(identity);
      if ("mismatch" in opened) return { kind: "mismatch", recorded: opened.mismatch };
      const step = this.holds.place(identity.tokenKey, opened.account, {
        ...hold,
        amount: atto(hold.amount),
      });
      if (!step.ok) return { kind: "insufficient", balance: balanceOf(opened.account) };
      return {
        kind: "placed",
        hold: viewOf(identity.tokenKey, step.hold),
        balance: balanceOf(step.account),
      };
    });
  }

  captureHold(
    tokenKey: string,
    id: string,
    to: string,
    andClose: boolean,
    now: number,
  ): Promise<HoldOutcome> {
    const total = atto(to);
    return this.grantStep(tokenKey, id, now, (account, hold) =>
      andClose ? captureAndClose(account, hold, total) : capture(account, hold, total),
    );
  }

  closeHold(tokenKey: string, id: string, now: number): Promise<HoldOutcome> {
    return this.grantStep(tokenKey, id, now, close);
  }

  adjustHold(tokenKey: string, id: string, reported: string, now: number): Promise<HoldOutcome> {
    const total = atto(reported);
    return this.grantStep(tokenKey, id, now, (account, hold) => adjust(account, hold, total));
  }

  async getHold(tokenKey: string, id: string): Promise<HoldView | undefined> {
    const hold = this.holds.get(tokenKey, id);
    return hold ? viewOf(tokenKey, hold) : undefined;
  }

  async admitProof(
    tokenKey: string,
    jti: string,
    usableUntil: number,
    now: number,
  ): Promise<boolean> {
    return this.sql.transaction(() => {
      this.sql.run(
        "DELETE FROM holder_proofs WHERE token_key = ? AND usable_until <= ?",
        tokenKey,
        now,
      );
      const seen = this.sql.all(
        "SELECT 1 FROM holder_proofs WHERE token_key = ? AND jti = ?",
        tokenKey,
        jti,
      );
      if (seen.length > 0) return false;
      this.sql.run(
        "INSERT INTO holder_proofs (token_key, jti, usable_until) VALUES (?, ?, ?)",
        tokenKey,
        jti,
        usableUntil,
      );
      return true;
    });
  }

  /** Forgets the holder proofs no longer usable at `now`, of every token; returns how many. */
  async purgeProofs(now: number): Promise<number> {
    let purged = 0;
    let batch: number;
    do {
      batch = await this.sql.transaction(() => {
        const rows = this.sql.all(
          "SELECT token_key, jti FROM holder_proofs WHERE usable_until <= ? LIMIT ?",
          now,
          PURGE_BATCH,
        );
        for (const row of rows)
          this.sql.run(
            "DELETE FROM holder_proofs WHERE token_key = ? AND jti = ?",
            String(row.token_key),
            String(row.jti),
          );
        return rows.length;
      });
      purged += batch;
    } while (batch === PURGE_BATCH);
    return purged;
  }

  // --- federation (spec §11): the home's grants ---

  async issuedGrant(
    tokenKey: string,
    id: string,
    now: number,
  ): Promise<IssuedGrantRecord | undefined> {
    const record = this.grants.issued(tokenKey, id);
    // A read sees a grant past its report_by as lapsed, as its expiry will leave it (spec §8.6).
    return record && withIssued(record, lapsed(issuedOf(record), now));
  }

  issueGrant(input: IssueGrantInput): Promise<IssueGrantOutcome> {
    return this.sql.transaction(() => {
      this.expireIdentity(input.identity.tokenKey, input.now);
      return issueGrantStep(this.grantSteps, input);
    });
  }

  signIssuedGrant(tokenKey: string, id: string, jws: string): Promise<IssuedGrantRecord> {
    return this.sql.transaction(() => {
      const record = this.grants.issued(tokenKey, id);
      if (!record) throw new Error(`ledger: no grant ${id} to sign`);
      if (record.terms.jws !== undefined) return record;
      const signed = { ...record, terms: { ...record.terms, jws } };
      this.grants.saveIssued(signed);
      return signed;
    });
  }

  async applyUsage(
    tokenKey: string,
    id: string,
    report: UsageReport,
    now: number,
  ): Promise<{ record: IssuedGrantRecord; replay: boolean }> {
    const applied = await this.sql.transaction(() => {
      this.expireIdentity(tokenKey, now);
      return applyUsageStep(this.grantSteps, tokenKey, id, report);
    });
    if (!applied) throw new Error(`ledger: no grant ${id}`);
    return applied;
  }

  async issuedGrants(from: number, to: number, peer?: string): Promise<IssuedGrantRecord[]> {
    return this.grants.issuedBetween(from, to, peer);
  }

  async latestIssuedGrants(
    tokenKey: string,
    limit: number,
    now: number,
  ): Promise<IssuedGrantRecord[]> {
    // Lapse applied as a read sees it, as for one grant (spec §8.6).
    return this.grants
      .latestIssued(tokenKey, limit)
      .map((record) => withIssued(record, lapsed(issuedOf(record), now)));
  }

  // --- federation: the visited gateway's held grants ---

  async heldGrants(tokenKey: string): Promise<HeldGrantRecord[]> {
    return this.grants.heldOf(tokenKey);
  }

  async latestHeldGrants(tokenKey: string, limit: number): Promise<HeldGrantRecord[]> {
    return this.grants.latestHeld(tokenKey, limit);
  }

  async heldGrant(tokenKey: string, id: string): Promise<HeldGrantRecord | undefined> {
    return this.grants.held(tokenKey, id);
  }

  recordAsk(ask: GrantAskRecord): Promise<void> {
    return this.sql.transaction(() => this.grants.insertAsk(ask));
  }

  async asks(tokenKey: string): Promise<GrantAskRecord[]> {
    return this.grants.asksOf(tokenKey);
  }

  dropAsk(_tokenKey: string, requestId: string): Promise<void> {
    return this.sql.transaction(() => this.grants.deleteAsk(requestId));
  }

  storeHeldGrant(tokenKey: string, record: HeldGrantRecord, requestId: string): Promise<void> {
    return this.sql.transaction(() => {
      this.grants.insertHeld(tokenKey, record);
      this.grants.deleteAsk(requestId);
    });
  }

  closeHeldGrant(tokenKey: string, id: string, now: number): Promise<HeldGrantRecord | undefined> {
    return this.sql.transaction(() => {
      this.expireIdentity(tokenKey, now);
      return closeHeldStep(this.grantSteps, tokenKey, id);
    });
  }

  planReport(
    tokenKey: string,
    id: string,
    settings: Pick<Federation, "report_threshold_percent">,
    now: number,
  ): Promise<HeldGrantRecord | undefined> {
    return this.sql.transaction(() => {
      this.expireIdentity(tokenKey, now);
      return planReportStep(this.grantSteps, tokenKey, id, settings);
    });
  }

  acknowledgeReport(
    tokenKey: string,
    id: string,
    seq: number,
  ): Promise<HeldGrantRecord | undefined> {
    return this.sql.transaction(() => acknowledgeStep(this.grantSteps, tokenKey, id, seq));
  }

  async heldGrantsBetween(from: number, to: number, peer?: string): Promise<HeldGrantRecord[]> {
    return this.grants.heldBetween(from, to, peer);
  }

  async tokensWithGrantWork(): Promise<string[]> {
    return this.grants.tokensWithWork();
  }

  /**
   * Recovery: applies the expiry of every lapsed hold, across all tokens
   * this store holds, one token per transaction. Returns how many expired.
   */
  async recover(now: number): Promise<number> {
    let expired = 0;
    for (const tokenKey of this.holds.lapsedIdentities(now)) {
      expired += await this.sql.transaction(() => this.expireIdentity(tokenKey, now));
    }
    return expired;
  }

  /** Deletes the quotes expired at `now`, of every token; returns how many. */
  async purgeQuotes(now: number): Promise<number> {
    let purged = 0;
    let batch: number;
    do {
      batch = await this.sql.transaction(() => this.quotes.purge(now, PURGE_BATCH));
      purged += batch;
    } while (batch === PURGE_BATCH);
    return purged;
  }

  /** The earliest expiry of an open hold or a kept quote, for a recovery alarm. */
  nextExpiry(): number | undefined {
    const next = Math.min(
      this.holds.nextExpiry() ?? Infinity,
      this.quotes.nextExpiry() ?? Infinity,
    );
    return next === Infinity ? undefined : next;
  }

  // --- inside a transaction ---

  /** Applies the identity's lapsed holds' expiry, and the redemptions' status with it. */
  private expireIdentity(tokenKey: string, now: number): number {
    const expired = this.holds.expire(tokenKey, now);
    if (expired.length === 0) return 0;
    const remaining = formatAmount(available(this.holds.account(tokenKey)!));
    for (const hold of expired) {
      if (hold.kind === "grant") {
        lapseIssuedGrant(this.grantSteps, tokenKey, hold);
        continue;
      }
      const record = this.recordOf(tokenKey, hold.id);
      if (!record) continue;
      this.saveRecord(
        hold.kind === "authorization"
          ? { ...record, status: "expired", remaining }
          : { ...record, status: "released", failure: RESERVATION_EXPIRED, remaining },
      );
    }
    return expired.length;
  }

  /** Captures `debited` of the record's hold and closes it, with its settlement entry (spec §10.1). */
  private commitRecord(
    record: RedemptionRecord,
    debited: RedemptionRecord["debited"],
    credited: RedemptionRecord["credited"],
    now: number,
    change: Pick<RedemptionRecord, "status" | "captured_at">,
  ): RedemptionRecord {
    const total = atto(debited.amount);
    const step = this.holds.change(record.tokenKey, record.id, (account, hold) =>
      captureAndClose(account, hold, total),
    );
    const { account } = certain(step, "capture");
    const done: RedemptionRecord = {
      ...record,
      ...change,
      remaining: formatAmount(available(account)),
    };
    this.saveRecord(done);
    // One settlement entry per commit, in the same transaction (spec §10.1).
    this.settlement.record({
      redemption_id: record.id,
      carrier: record.carrier,
      provider: record.provider,
      unit: debited.unit,
      debited: debited.amount,
      credit_unit: credited.unit,
      credited: credited.amount,
      tariff: JSON.stringify(record.tariff),
      committed_at: now,
      token_key: record.tokenKey,
      record: JSON.stringify(done),
    });
    return done;
  }

  /** Closes the record's hold with nothing captured. */
  private closeRecord(
    record: RedemptionRecord,
    change: Pick<RedemptionRecord, "status" | "failure">,
  ): RedemptionRecord {
    const { account } = certain(this.holds.change(record.tokenKey, record.id, close), "close");
    const closed: RedemptionRecord = {
      ...record,
      ...change,
      remaining: formatAmount(available(account)),
    };
    this.saveRecord(closed);
    return closed;
  }

  /** One step on a grant's hold; holds of redemptions move only with their records. */
  private grantStep(
    tokenKey: string,
    id: string,
    now: number,
    step: (account: Account, hold: Hold) => HoldStep,
  ): Promise<HoldOutcome> {
    return this.sql.transaction((): HoldOutcome => {
      this.expireIdentity(tokenKey, now);
      if (this.holds.get(tokenKey, id)?.kind !== "grant") return { kind: "unknown" };
      const result = this.holds.change(tokenKey, id, step)!;
      if (!result.ok) {
        return {
          kind: "refused",
          refusal: result.refusal,
          hold: viewOf(tokenKey, this.holds.get(tokenKey, id)!),
        };
      }
      return {
        kind: "done",
        changed: result.changed,
        hold: viewOf(tokenKey, result.hold),
        balance: balanceOf(result.account),
      };
    });
  }

  private lookupSync(tokenKey: string, idempotencyKey: string): RedemptionRecord | undefined {
    const row = this.sql.all(
      "SELECT record FROM redemptions WHERE token_key = ? AND idempotency_key = ?",
      tokenKey,
      idempotencyKey,
    )[0];
    return row ? (JSON.parse(String(row.record)) as RedemptionRecord) : undefined;
  }

  private saveRecord(record: RedemptionRecord): void {
    this.sql.run(
      "UPDATE redemptions SET status = ?, record = ? WHERE id = ?",
      record.status,
      JSON.stringify(record),
      record.id,
    );
  }

  private recordOf(tokenKey: string, id: string): RedemptionRecord | undefined {
    const row = this.sql.all(
      "SELECT record FROM redemptions WHERE id = ? AND token_key = ?",
      id,
      tokenKey,
    )[0];
    return row ? (JSON.parse(String(row.record)) as RedemptionRecord) : undefined;
  }
}
