/**
 * @module The ledger's logic, once, in SQL: the Node adapter runs it on one
 * SQLite file shared by every gateway process, the Workers adapter inside
 * each token's Durable Object. Every method is one transaction.
 */
import { formatAmount, parseAmount, type Atto } from "../../../core/amount/decimal.ts";
import type { Failure, QuoteRecord, RedemptionRecord } from "../../../core/redemption/record.ts";
import type { Balance, Ledger, ReserveInput, ReserveOutcome } from "../../../ports/ledger.ts";
import type { Row, SqlDriver } from "./driver.ts";
import { LEDGER_SCHEMA } from "./schema.ts";

const EXPIRED: Omit<Failure, "detail"> = { code: "reservation_expired", status: 409 };

function atto(text: unknown): Atto {
  const value = parseAmount(text);
  if (value === undefined) throw new Error(`ledger: corrupt amount ${String(text)}`);
  return value;
}

export class SqlLedger implements Ledger {
  private readonly sql: SqlDriver;

  constructor(sql: SqlDriver) {
    this.sql = sql;
    for (const statement of LEDGER_SCHEMA) sql.run(statement);
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
      this.sql.run(
        "INSERT INTO settlement_entries (redemption_id, carrier, provider, unit, debited, credit_unit, credited, tariff, committed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        record.id,
        record.carrier,
        record.provider,
        record.debited.unit,
        record.debited.amount,
        record.credited.unit,
        record.credited.amount,
        JSON.stringify(record.tariff),
        now,
      );
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
    const read = () => {
      const row = this.sql.all("SELECT * FROM tokens WHERE token_key = ?", tokenKey)[0];
      return row ? this.balanceOf(row) : { committed: "0", reserved: "0" };
    };
    // A reading with nothing to release needs no write lock: verification
    // and balance reads stay off the writers' queue.
    const lapsed = this.sql.all(
      "SELECT 1 FROM redemptions WHERE token_key = ? AND status = 'reserved' AND expires_at <= ? LIMIT 1",
      tokenKey,
      now,
    );
    if (lapsed.length === 0) return read();
    return this.sql.transaction(() => {
      this.expireToken(tokenKey, now);
      return read();
    });
  }

  async saveQuote(quote: QuoteRecord): Promise<void> {
    this.sql.run(
      "INSERT INTO quotes (id, token_key, record) VALUES (?, ?, ?)",
      quote.id,
      quote.tokenKey,
      JSON.stringify(quote),
    );
  }

  async getQuote(tokenKey: string, id: string): Promise<QuoteRecord | undefined> {
    const row = this.sql.all(
      "SELECT record FROM quotes WHERE id = ? AND token_key = ?",
      id,
      tokenKey,
    )[0];
    return row ? (JSON.parse(String(row.record)) as QuoteRecord) : undefined;
  }

  /**
   * Recovery: releases every reservation whose time is up, across all tokens
   * this store holds. Returns how many it released.
   */
  recover(now: number): number {
    const lapsed = this.sql.all(
      "SELECT DISTINCT token_key FROM redemptions WHERE status = 'reserved' AND expires_at <= ?",
      now,
    );
    let released = 0;
    for (const row of lapsed) {
      released += this.sql.transaction(() => this.expireToken(String(row.token_key), now));
    }
    return released;
  }

  /** The earliest expiry of an open reservation, for a recovery alarm. */
  nextExpiry(): number | undefined {
    const row = this.sql.all(
      "SELECT MIN(expires_at) AS at FROM redemptions WHERE status = 'reserved'",
    )[0];
    return row?.at === null || row?.at === undefined ? undefined : Number(row.at);
  }

  /** Settlement entries not yet forwarded elsewhere (Workers), oldest first. */
  unforwardedEntries(limit = 100): Row[] {
    return this.sql.all(
      "SELECT * FROM settlement_entries WHERE forwarded = 0 ORDER BY committed_at LIMIT ?",
      limit,
    );
  }

  markForwarded(ids: readonly string[]): void {
    this.sql.transaction(() => {
      for (const id of ids)
        this.sql.run("UPDATE settlement_entries SET forwarded = 1 WHERE redemption_id = ?", id);
    });
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
