/**
 * @module The index of grants across tokens on Workers (`spec/oct.md`
 * §11.8): each token's Durable Object keeps its own grants, so a grant
 * report for a period asks the settlement book which tokens had grants
 * issued then, and reads those tokens' objects. A token's object forwards
 * each of its grants once (kept pending until the book has it, as its
 * settlement entries are); the book keeps one row a grant.
 */
import type { SqlDriver, SqlStatements } from "./driver.ts";
import { statements, type Migration } from "./migrate.ts";

/** A grant as the index knows it: enough to find its token's object. */
export interface GrantIndexEntry {
  id: string;
  /** `issued` at the home, `held` at a visited gateway. */
  side: "issued" | "held";
  tokenKey: string;
  /** The visited gateway of an issued grant, the home of a held one. */
  peer: string;
  /** ms since the epoch. */
  issuedAt: number;
}

/** In a token's object: which of its grants the book has. */
export const GRANT_INDEX_OUTBOX_MIGRATIONS: readonly Migration[] = [
  statements("grant-index-outbox", [
    `CREATE TABLE IF NOT EXISTS grants_indexed (id TEXT PRIMARY KEY)`,
  ]),
];

/** In the settlement book: every token's grants. */
export const GRANT_INDEX_MIGRATIONS: readonly Migration[] = [
  statements("grant-index", [
    `CREATE TABLE IF NOT EXISTS grant_index (
       id TEXT PRIMARY KEY,
       side TEXT NOT NULL,
       token_key TEXT NOT NULL,
       peer TEXT NOT NULL,
       issued_at INTEGER NOT NULL
     )`,
    `CREATE INDEX IF NOT EXISTS grant_index_by_time ON grant_index (side, issued_at)`,
  ]),
];

const entryOf = (row: Record<string, unknown>): GrantIndexEntry => ({
  id: String(row.id),
  side: row.side === "issued" ? "issued" : "held",
  tokenKey: String(row.token_key),
  peer: String(row.peer),
  issuedAt: Number(row.issued_at),
});

/** A token's grants the book does not have yet. */
export class GrantIndexOutbox {
  private readonly sql: SqlDriver;

  constructor(sql: SqlDriver) {
    this.sql = sql;
  }

  pending(): GrantIndexEntry[] {
    return this.sql
      .all(
        `SELECT id, 'issued' AS side, token_key, visited AS peer, issued_at FROM grants_issued
           WHERE id NOT IN (SELECT id FROM grants_indexed)
         UNION ALL
         SELECT id, 'held' AS side, token_key, home AS peer, issued_at FROM grants_held
           WHERE id NOT IN (SELECT id FROM grants_indexed)`,
      )
      .map(entryOf);
  }

  markIndexed(ids: readonly string[]): Promise<void> {
    return this.sql.transaction(() => {
      for (const id of ids)
        this.sql.run("INSERT OR IGNORE INTO grants_indexed (id) VALUES (?)", id);
    });
  }
}

/** The book's index: which tokens had grants issued in a period. */
export class SqlGrantIndex {
  private readonly sql: SqlStatements;

  constructor(sql: SqlStatements) {
    this.sql = sql;
  }

  /** Idempotent by grant id: a forward repeated after a lost answer changes nothing. */
  add(entries: readonly GrantIndexEntry[]): void {
    for (const entry of entries) {
      this.sql.run(
        "INSERT OR IGNORE INTO grant_index (id, side, token_key, peer, issued_at) VALUES (?, ?, ?, ?, ?)",
        entry.id,
        entry.side,
        entry.tokenKey,
        entry.peer,
        entry.issuedAt,
      );
    }
  }

  /** The tokens with grants of `side` issued in [from, to) (ms), with `peer` when given. */
  tokens(side: GrantIndexEntry["side"], from: number, to: number, peer?: string): string[] {
    return this.sql
      .all(
        `SELECT DISTINCT token_key FROM grant_index WHERE side = ? AND issued_at >= ? AND issued_at < ?${
          peer !== undefined ? " AND peer = ?" : ""
        } ORDER BY token_key`,
        side,
        from,
        to,
        ...(peer !== undefined ? [peer] : []),
      )
      .map((row) => String(row.token_key));
  }
}
