/**
 * @module Federation grants in SQL (`spec/oct.md` §11), beside the holds
 * of the same token identity, so a grant's record moves in the same
 * transaction as its hold: the home's issued grants, the visited gateway's
 * held grants and the grant requests it has recorded but not seen answered.
 * What a held grant has committed and reserved is not stored: it is summed
 * from the holds of the redemptions drawn on it (`holds.grant_id`). Every
 * method but the reads runs inside the caller's transaction.
 */
import { formatAmount, parseAmount } from "../../../core/amount/decimal.ts";
import type { HeldGrantRecord, IssuedGrantRecord } from "../../../core/federation/records.ts";
import type { GrantAskRecord } from "../../../ports/grant-ledger.ts";
import type { SqlStatements } from "./driver.ts";
import { statements, type Migration } from "./migrate.ts";

export const GRANT_MIGRATIONS: readonly Migration[] = [
  statements("grants", [
    `CREATE TABLE grants_issued (
       id TEXT PRIMARY KEY,
       token_key TEXT NOT NULL,
       visited TEXT NOT NULL,
       issued_at INTEGER NOT NULL,
       record TEXT NOT NULL
     )`,
    `CREATE INDEX grants_issued_by_time ON grants_issued (issued_at)`,
    `CREATE TABLE grants_held (
       id TEXT PRIMARY KEY,
       token_key TEXT NOT NULL,
       home TEXT NOT NULL,
       status TEXT NOT NULL,
       issued_at INTEGER NOT NULL,
       record TEXT NOT NULL
     )`,
    `CREATE INDEX grants_held_by_token ON grants_held (token_key, status)`,
    `CREATE INDEX grants_held_by_status ON grants_held (status)`,
    `CREATE INDEX grants_held_by_time ON grants_held (issued_at)`,
    `CREATE TABLE grant_asks (
       request_id TEXT PRIMARY KEY,
       token_key TEXT NOT NULL,
       home TEXT NOT NULL,
       record TEXT NOT NULL
     )`,
    // The grant a redemption's hold draws on, at a visited gateway.
    `ALTER TABLE holds ADD COLUMN grant_id TEXT`,
    `CREATE INDEX holds_by_grant ON holds (grant_id) WHERE grant_id IS NOT NULL`,
  ]),
  // An inspection lists a token's issued grants (spec §7.12).
  statements("grants-issued-by-token", [
    `CREATE INDEX grants_issued_by_token ON grants_issued (token_key, issued_at)`,
  ]),
];

/** The held grant's record without what is summed from holds. */
type StoredHeld = Omit<HeldGrantRecord, "committed" | "reserved">;

export class SqlGrants {
  private readonly sql: SqlStatements;

  constructor(sql: SqlStatements) {
    this.sql = sql;
  }

  // --- the home's issued grants ---

  issued(tokenKey: string, id: string): IssuedGrantRecord | undefined {
    const row = this.sql.all(
      "SELECT record FROM grants_issued WHERE id = ? AND token_key = ?",
      id,
      tokenKey,
    )[0];
    return row ? (JSON.parse(String(row.record)) as IssuedGrantRecord) : undefined;
  }

  insertIssued(tokenKey: string, record: IssuedGrantRecord): void {
    this.sql.run(
      "INSERT INTO grants_issued (id, token_key, visited, issued_at, record) VALUES (?, ?, ?, ?, ?)",
      record.terms.id,
      tokenKey,
      record.terms.visited,
      record.terms.issuedAt,
      JSON.stringify(record),
    );
  }

  saveIssued(record: IssuedGrantRecord): void {
    this.sql.run(
      "UPDATE grants_issued SET record = ? WHERE id = ?",
      JSON.stringify(record),
      record.terms.id,
    );
  }

  /** Issued grants in [from, to), of one visited gateway when given. */
  issuedBetween(from: number, to: number, peer?: string): IssuedGrantRecord[] {
    return this.sql
      .all(
        `SELECT record FROM grants_issued WHERE issued_at >= ? AND issued_at < ?${peer !== undefined ? " AND visited = ?" : ""} ORDER BY id`,
        from,
        to,
        ...(peer !== undefined ? [peer] : []),
      )
      .map((row) => JSON.parse(String(row.record)) as IssuedGrantRecord);
  }

  /** The token's issued grants, newest first, at most `limit`. */
  latestIssued(tokenKey: string, limit: number): IssuedGrantRecord[] {
    return this.sql
      .all(
        "SELECT record FROM grants_issued WHERE token_key = ? ORDER BY issued_at DESC, id DESC LIMIT ?",
        tokenKey,
        limit,
      )
      .map((row) => JSON.parse(String(row.record)) as IssuedGrantRecord);
  }

  // --- the visited gateway's held grants ---

  /** A held grant with what is committed and reserved against it, summed from its holds. */
  held(tokenKey: string, id: string): HeldGrantRecord | undefined {
    const row = this.sql.all(
      "SELECT record FROM grants_held WHERE id = ? AND token_key = ?",
      id,
      tokenKey,
    )[0];
    return row ? this.withSums(JSON.parse(String(row.record)) as StoredHeld) : undefined;
  }

  /** The token's held grants that are not closed, oldest first. */
  heldOf(tokenKey: string): HeldGrantRecord[] {
    return this.sql
      .all(
        "SELECT record FROM grants_held WHERE token_key = ? AND status != 'closed' ORDER BY issued_at, id",
        tokenKey,
      )
      .map((row) => this.withSums(JSON.parse(String(row.record)) as StoredHeld));
  }

  /** The token's held grants, closed ones too, newest first, at most `limit`. */
  latestHeld(tokenKey: string, limit: number): HeldGrantRecord[] {
    return this.sql
      .all(
        "SELECT record FROM grants_held WHERE token_key = ? ORDER BY issued_at DESC, id DESC LIMIT ?",
        tokenKey,
        limit,
      )
      .map((row) => this.withSums(JSON.parse(String(row.record)) as StoredHeld));
  }

  /** Stores a held grant once; a second store of the same id changes nothing. */
  insertHeld(tokenKey: string, record: HeldGrantRecord): boolean {
    if (this.sql.all("SELECT 1 FROM grants_held WHERE id = ?", record.terms.id).length > 0)
      return false;
    this.sql.run(
      "INSERT INTO grants_held (id, token_key, home, status, issued_at, record) VALUES (?, ?, ?, ?, ?, ?)",
      record.terms.id,
      tokenKey,
      record.terms.home,
      record.status,
      record.terms.issuedAt,
      JSON.stringify(stored(record)),
    );
    return true;
  }

  saveHeld(record: HeldGrantRecord): void {
    this.sql.run(
      "UPDATE grants_held SET status = ?, record = ? WHERE id = ?",
      record.status,
      JSON.stringify(stored(record)),
      record.terms.id,
    );
  }

  /** Held grants in [from, to), of one home when given. */
  heldBetween(from: number, to: number, peer?: string): HeldGrantRecord[] {
    return this.sql
      .all(
        `SELECT record FROM grants_held WHERE issued_at >= ? AND issued_at < ?${peer !== undefined ? " AND home = ?" : ""} ORDER BY id`,
        from,
        to,
        ...(peer !== undefined ? [peer] : []),
      )
      .map((row) => this.withSums(JSON.parse(String(row.record)) as StoredHeld));
  }

  /** The tokens with held grants not closed, or grant requests not answered: what reporting visits. */
  tokensWithWork(): string[] {
    return this.sql
      .all(
        `SELECT token_key FROM grants_held WHERE status != 'closed'
         UNION SELECT token_key FROM grant_asks`,
      )
      .map((row) => String(row.token_key));
  }

  // --- grant requests not yet answered ---

  insertAsk(ask: GrantAskRecord): void {
    this.sql.run(
      "INSERT OR IGNORE INTO grant_asks (request_id, token_key, home, record) VALUES (?, ?, ?, ?)",
      ask.requestId,
      ask.tokenKey,
      ask.home,
      JSON.stringify(ask),
    );
  }

  asksOf(tokenKey: string): GrantAskRecord[] {
    return this.sql
      .all("SELECT record FROM grant_asks WHERE token_key = ? ORDER BY rowid", tokenKey)
      .map((row) => JSON.parse(String(row.record)) as GrantAskRecord);
  }

  deleteAsk(requestId: string): void {
    this.sql.run("DELETE FROM grant_asks WHERE request_id = ?", requestId);
  }

  private withSums(record: StoredHeld): HeldGrantRecord {
    const holds = this.sql.all(
      "SELECT amount, captured, status FROM holds WHERE grant_id = ?",
      record.terms.id,
    );
    let committed = 0n;
    let reserved = 0n;
    for (const hold of holds) {
      const captured = parseAmount(hold.captured)!;
      committed += captured;
      if (hold.status === "open") reserved += parseAmount(hold.amount)! - captured;
    }
    return { ...record, committed: formatAmount(committed), reserved: formatAmount(reserved) };
  }
}

function stored(record: HeldGrantRecord): StoredHeld {
  const { committed: _c, reserved: _r, ...rest } = record;
  return rest;
}
