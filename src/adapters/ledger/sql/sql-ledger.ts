/**
 * @module The ledger's logic, once, in SQL: the Node adapter runs it on one
 * SQLite file shared by every gateway process, the Workers adapter inside
 * each token's Durable Object. Every change is one transaction; reads take
 * no lock.
 */
import { formatAmount, parseAmount, type Atto } from "../../../core/amount/decimal.ts";
import type { Failure, QuoteRecord, RedemptionRecord } from "../../../core/redemption/record.ts";
import type {
  Balance,
  Ledger,
  ReserveInput,
  ReserveOutcome,
  SaveQuoteOutcome,
} from "../../../ports/ledger.ts";
import type { Row, SqlDriver } from "./driver.ts";
import { SqlQuotes } from "./quotes.ts";
import type { SettlementJournal } from "./settlement-entries.ts";

const EXPIRED: Omit<Failure, "detail"> = { code: "reservation_expired", status: 409 };

function atto(text: unknown): Atto {
  const value = parseAmount(text);
  if (value === undefined) throw new Error(`ledger: corrupt amount ${String(text)}`);
  return value;
}

/** Expired quotes deleted per transaction by {@link SqlLedger.purgeQuotes}: a short hold of the lock. */
const PURGE_BATCH = 500;

export class SqlLedger implements Ledger {
  private readonly sql: SqlDriver;
  private readonly settlement: SettlementJournal;
  private readonly quotes: SqlQuotes;

  /** `settlement` receives each commit's entry inside the commit's transaction. */
  constructor(sql: SqlDriver, settlement: SettlementJournal) {
    this.sql = sql;
    this.settlement = settlement;
    this.quotes = new SqlQuotes(sql);
  }

  async reserve(input: ReserveInput): Promise<ReserveOutcome> {
    const { record, faceValue, now } = input;
    return this.sql.transaction(() => {
      this.expireToken(record.tokenKey, now);
      const stored = this.lookupSync(record.tokenKey, record.idempotencyKey);
      if (stored) {
        return stored.requestHash === record.requestHash
          ? { kind: "existing", record: stored }
          : { kind: "conflict", record: stored };
      }
      const token = this.tokenRow(record, faceValue);
      if (token.face_value !== faceValue || token.unit !== record.debited.unit) {
        return {
          kind: "mismatch",
          recorded: { faceValue: String(token.face_value), unit: String(token.unit) },
        };
      }
      const debit = atto(record.debited.amount);
      const committed = atto(token.committed);
      const reserved = atto(token.reserved);
      const face = atto(token.face_value);
      if (committed + reserved + debit > face) {
        return { kind: "insufficient", balance: this.balanceOf(token) };
      }
      const newReserved = formatAmount(reserved + debit);
      this.sql.run(
        "UPDATE tokens SET reserved = ? WHERE token_key = ?",
        newReserved,
        record.tokenKey,
      );
      const reservedRecord: RedemptionRecord = {
        ...record,
        status: "reserved",
        remaining: formatAmount(face - committed - reserved - debit),
      };
      this.sql.run(
        "INSERT INTO redemptions (id, token_key, idempotency_key, request_hash, status, debit, expires_at, record) VALUES (?, ?, ?, ?, 'reserved', ?, ?, ?)",
        record.id,
        record.tokenKey,
        record.idempotencyKey,
        record.requestHash,
        record.debited.amount,
        record.expiresAt,
        JSON.stringify(reservedRecord),
      );
      return {
        kind: "reserved",
        record: reservedRecord,
        balance: { ...this.balanceOf(token), reserved: newReserved },
      };
    });
  }

  async commit(tokenKey: string, id: string, now: number): Promise<RedemptionRecord | undefined> {
    return this.sql.transaction(() => {
      this.expireToken(tokenKey, now);
      const record = this.recordOf(tokenKey, id);
      if (!record || record.status !== "reserved") return record;
      const remaining = this.moveDebit(tokenKey, record.debited.amount, "commit");
      const committedRecord: RedemptionRecord = { ...record, status: "committed", remaining };
      this.saveRecord(committedRecord);
      // One settlement entry per commit, in the same transaction (spec §10.1).
      this.settlement.record({
        redemption_id: record.id,
        carrier: record.carrier,
        provider: record.provider,
        unit: record.debited.unit,
        debited: record.debited.amount,
        credit_unit: record.credited.unit,
        credited: record.credited.amount,
        tariff: JSON.stringify(record.tariff),
        committed_at: now,
        token_key: tokenKey,
        record: JSON.stringify(committedRecord),
      });
      return committedRecord;
    });
  }

  async release(
    tokenKey: string,
    id: string,
    failure: Failure,
    now: number,
  ): Promise<RedemptionRecord | undefined> {
    return this.sql.transaction(() => {
      this.expireToken(tokenKey, now);
      const record = this.recordOf(tokenKey, id);
      if (!record || record.status !== "reserved") return record;
      return this.releaseRecord(record, failure);
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

  private lookupSync(tokenKey: string, idempotencyKey: string): RedemptionRecord | undefined {
    const row = this.sql.all(
      "SELECT record FROM redemptions WHERE token_key = ? AND idempotency_key = ?",
      tokenKey,
      idempotencyKey,
    )[0];
    return row ? (JSON.parse(String(row.record)) as RedemptionRecord) : undefined;
  }

  async balance(tokenKey: string, now: number): Promise<Balance> {
    // Lapsed reservations read as released (spec §8.6) without taking the
    // write lock: verification and balances never wait for writers (§8.1).
    // The next change to the token, or recovery, releases them for good.
    // One statement, so the sums and the lapsed debits are one snapshot.
    const row = this.sql.all(
      `SELECT tokens.*, (SELECT json_group_array(debit) FROM redemptions
         WHERE redemptions.token_key = tokens.token_key AND status = 'reserved' AND expires_at <= ?
       ) AS lapsed FROM tokens WHERE token_key = ?`,
      now,
      tokenKey,
    )[0];
    if (!row) return { committed: "0", reserved: "0" };
    const lapsed = JSON.parse(String(row.lapsed)) as string[];
    const held = lapsed.reduce((total, debit) => total + atto(debit), 0n);
    return { ...this.balanceOf(row), reserved: formatAmount(atto(row.reserved) - held) };
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

  /**
   * Recovery: releases every reservation whose time is up, across all tokens
   * this store holds, one token per transaction. Returns how many it released.
   */
  async recover(now: number): Promise<number> {
    const lapsed = this.sql.all(
      "SELECT DISTINCT token_key FROM redemptions WHERE status = 'reserved' AND expires_at <= ?",
      now,
    );
    let released = 0;
    for (const row of lapsed) {
      released += await this.sql.transaction(() => this.expireToken(String(row.token_key), now));
    }
    return released;
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

  /** The earliest expiry of an open reservation or a kept quote, for a recovery alarm. */
  nextExpiry(): number | undefined {
    const row = this.sql.all(
      "SELECT MIN(expires_at) AS at FROM redemptions WHERE status = 'reserved'",
    )[0];
    const reservation = row?.at === null || row?.at === undefined ? Infinity : Number(row.at);
    const next = Math.min(reservation, this.quotes.nextExpiry() ?? Infinity);
    return next === Infinity ? undefined : next;
  }

  // --- inside a transaction ---

  private expireToken(tokenKey: string, now: number): number {
    const rows = this.sql.all(
      "SELECT record FROM redemptions WHERE token_key = ? AND status = 'reserved' AND expires_at <= ?",
      tokenKey,
      now,
    );
    for (const row of rows) {
      this.releaseRecord(JSON.parse(String(row.record)) as RedemptionRecord, {
        ...EXPIRED,
        detail: "the reservation expired before it was committed; nothing was debited",
      });
    }
    return rows.length;
  }

  private releaseRecord(record: RedemptionRecord, failure: Failure): RedemptionRecord {
    const remaining = this.moveDebit(record.tokenKey, record.debited.amount, "release");
    const released: RedemptionRecord = { ...record, status: "released", failure, remaining };
    this.saveRecord(released);
    return released;
  }

  private balanceOf(row: Row): Balance {
    return {
      committed: String(row.committed),
      reserved: String(row.reserved),
      recorded: { faceValue: String(row.face_value), unit: String(row.unit) },
    };
  }

  /** Moves a debit out of `reserved` (into `committed` on commit); returns the remaining balance. */
  private moveDebit(tokenKey: string, amount: string, how: "commit" | "release"): string {
    const row = this.sql.all(
      "SELECT face_value, committed, reserved FROM tokens WHERE token_key = ?",
      tokenKey,
    )[0]!;
    const debit = atto(amount);
    const reserved = atto(row.reserved) - debit;
    if (reserved < 0n) throw new Error("ledger: reserved would go negative");
    const committed = how === "commit" ? atto(row.committed) + debit : atto(row.committed);
    this.sql.run(
      "UPDATE tokens SET committed = ?, reserved = ? WHERE token_key = ?",
      formatAmount(committed),
      formatAmount(reserved),
      tokenKey,
    );
    return formatAmount(atto(row.face_value) - committed - reserved);
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

  private tokenRow(record: RedemptionRecord, faceValue: string): Row {
    const row = this.sql.all("SELECT * FROM tokens WHERE token_key = ?", record.tokenKey)[0];
    if (row) return row;
    this.sql.run(
      "INSERT INTO tokens (token_key, iss, jti, face_value, unit, committed, reserved) VALUES (?, ?, ?, ?, ?, '0', '0')",
      record.tokenKey,
      record.token.iss,
      record.token.jti,
      faceValue,
      record.debited.unit,
    );
    return {
      token_key: record.tokenKey,
      face_value: faceValue,
      unit: record.debited.unit,
      committed: "0",
      reserved: "0",
    };
  }
}
