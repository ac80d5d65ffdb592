/**
 * @module The accepted client assertions' `jti`s in SQL (spec §7.13 step
 * 6): in the ledger's file on Node, so every process sharing it refuses a
 * replay; in the settlement book's Durable Object on Workers, so every
 * isolate does.
 */
import type { AssertionJtis } from "../../../ports/assertion-jtis.ts";
import type { SqlDriver } from "./driver.ts";

/** Forgotten pairs deleted per claim: the table stays as small as the assertions alive. */
const PURGE_BATCH = 100;

export class SqlAssertionJtis implements AssertionJtis {
  private readonly sql: SqlDriver;

  constructor(sql: SqlDriver) {
    this.sql = sql;
  }

  claim(party: string, jti: string, keepUntil: number, now: number): Promise<boolean> {
    return this.sql.transaction(() => {
      this.sql.run(
        `DELETE FROM assertion_jtis WHERE rowid IN
           (SELECT rowid FROM assertion_jtis WHERE keep_until <= ? LIMIT ?)`,
        now,
        PURGE_BATCH,
      );
      const seen = this.sql.all(
        "SELECT 1 FROM assertion_jtis WHERE party = ? AND jti = ? AND keep_until > ?",
        party,
        jti,
        now,
      );
      if (seen.length > 0) return false;
      this.sql.run(
        `INSERT INTO assertion_jtis (party, jti, keep_until) VALUES (?, ?, ?)
         ON CONFLICT (party, jti) DO UPDATE SET keep_until = excluded.keep_until`,
        party,
        jti,
        keepUntil,
      );
      return true;
    });
  }
}
