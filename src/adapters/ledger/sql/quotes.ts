/**
 * @module Quotes in SQL (spec §8.3): kept until they expire, at most so many
 * unexpired ones per token, expired ones deleted on the token's next quote
 * and by a periodic purge, so storage is bounded by the live quotes.
 */
import type { QuoteRecord } from "../../../core/redemption/record.ts";
import type { SaveQuoteOutcome } from "../../../ports/ledger.ts";
import type { SqlStatements } from "./driver.ts";

export class SqlQuotes {
  private readonly sql: SqlStatements;

  constructor(sql: SqlStatements) {
    this.sql = sql;
  }

  /** The token's earliest live quote expiry when it holds `most` live quotes at `now`. */
  full(tokenKey: string, now: number, most: number): SaveQuoteOutcome | undefined {
    const row = this.sql.all(
      "SELECT COUNT(*) AS live, MIN(expires_at) AS earliest FROM quotes WHERE token_key = ? AND expires_at > ?",
      tokenKey,
      now,
    )[0]!;
    return Number(row.live) >= most
      ? { kind: "full", earliestExpiry: Number(row.earliest) }
      : undefined;
  }

  /** Deletes the token's expired quotes, then stores `quote` unless the token is full. Inside a transaction. */
  save(quote: QuoteRecord, now: number, most: number): SaveQuoteOutcome {
    this.sql.run("DELETE FROM quotes WHERE token_key = ? AND expires_at <= ?", quote.tokenKey, now);
    const full = this.full(quote.tokenKey, now, most);
    if (full) return full;
    this.sql.run(
      "INSERT INTO quotes (id, token_key, expires_at, record) VALUES (?, ?, ?, ?)",
      quote.id,
      quote.tokenKey,
      Date.parse(quote.expires_at),
      JSON.stringify(quote),
    );
    return { kind: "saved" };
  }

  get(tokenKey: string, id: string): QuoteRecord | undefined {
    const row = this.sql.all(
      "SELECT record FROM quotes WHERE id = ? AND token_key = ?",
      id,
      tokenKey,
    )[0];
    return row ? (JSON.parse(String(row.record)) as QuoteRecord) : undefined;
  }

  /** Deletes at most `batch` quotes expired at `now`, of any token. Inside a transaction. */
  purge(now: number, batch: number): number {
    const expired = this.sql.all(
      "SELECT rowid FROM quotes WHERE expires_at <= ? ORDER BY expires_at LIMIT ?",
      now,
      batch,
    );
    for (const row of expired) this.sql.run("DELETE FROM quotes WHERE rowid = ?", row.rowid!);
    return expired.length;
  }

  /** When the earliest kept quote expires, for a purge alarm. */
  nextExpiry(): number | undefined {
    const at = this.sql.all("SELECT MIN(expires_at) AS at FROM quotes")[0]?.at;
    return at === null || at === undefined ? undefined : Number(at);
  }
}
