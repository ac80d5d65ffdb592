/**
 * @module The ledger database's tables, as migrations (`migrate.ts`).
 * Amounts are canonical decimal TEXT, summed in code with exact arithmetic.
 * Node keeps every list in one SQLite file; on Workers a token's Durable
 * Object holds the ledger's, the settlement book the settlement, key and
 * assertion ones.
 */
import { statements, type Migration } from "./migrate.ts";
import { GRANT_MIGRATIONS } from "./grants.ts";
import { backfillBuckets } from "./settlement-buckets.ts";

/** One row per commit (spec §10.1): a token's outbox on Workers, the report source otherwise. */
const SETTLEMENT_ENTRIES = [
  `CREATE TABLE IF NOT EXISTS settlement_entries (
     redemption_id TEXT PRIMARY KEY,
     carrier TEXT NOT NULL,
     provider TEXT NOT NULL,
     unit TEXT NOT NULL,
     debited TEXT NOT NULL,
     credit_unit TEXT NOT NULL,
     credited TEXT NOT NULL,
     tariff TEXT NOT NULL,
     committed_at INTEGER NOT NULL,
     forwarded INTEGER NOT NULL DEFAULT 0
   )`,
  `CREATE INDEX IF NOT EXISTS settlement_by_time ON settlement_entries (committed_at)`,
];

/**
 * Each entry keeps its token's key and the committed redemption (its record
 * as JSON), so that the book lists redemptions where it keeps the entries
 * (spec §7.14). On Node the entries and redemptions share one file, and the
 * entries kept before are filled from it; a settlement book on Workers has
 * no redemptions to fill them from, and lists only entries written since.
 * Both ledger and book databases carry the step, under two ids (Node applies
 * both lists to one file): the columns are added once.
 */
const entriesWithRedemption = (id: string): Migration => ({
  id,
  apply(sql) {
    const columns = sql.all("PRAGMA table_info(settlement_entries)").map((row) => row.name);
    if (!columns.includes("record")) {
      sql.run("ALTER TABLE settlement_entries ADD COLUMN token_key TEXT");
      sql.run("ALTER TABLE settlement_entries ADD COLUMN record TEXT");
    }
    const tables = sql.all(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'redemptions'",
    );
    if (tables.length > 0)
      sql.run(`UPDATE settlement_entries SET
         token_key = (SELECT token_key FROM redemptions WHERE redemptions.id = redemption_id),
         record = (SELECT record FROM redemptions WHERE redemptions.id = redemption_id)
       WHERE record IS NULL`);
    sql.run(
      "CREATE INDEX IF NOT EXISTS settlement_by_token ON settlement_entries (token_key, committed_at)",
    );
  },
});

/** Tokens, their redemptions and quotes, and the settlement entries their commits write. */
export const LEDGER_MIGRATIONS: readonly Migration[] = [
  statements("ledger-1", [
    `CREATE TABLE IF NOT EXISTS tokens (
       token_key TEXT PRIMARY KEY,
       iss TEXT NOT NULL,
       jti TEXT NOT NULL,
       face_value TEXT NOT NULL,
       unit TEXT NOT NULL,
       committed TEXT NOT NULL,
       reserved TEXT NOT NULL
     )`,
    `CREATE TABLE IF NOT EXISTS redemptions (
       id TEXT PRIMARY KEY,
       token_key TEXT NOT NULL,
       idempotency_key TEXT NOT NULL,
       request_hash TEXT NOT NULL,
       status TEXT NOT NULL,
       debit TEXT NOT NULL,
       expires_at INTEGER NOT NULL,
       record TEXT NOT NULL,
       UNIQUE (token_key, idempotency_key)
     )`,
    `CREATE INDEX IF NOT EXISTS redemptions_reserved ON redemptions (status, expires_at)`,
    `CREATE TABLE IF NOT EXISTS quotes (
       id TEXT PRIMARY KEY,
       token_key TEXT NOT NULL,
       record TEXT NOT NULL
     )`,
    ...SETTLEMENT_ENTRIES,
  ]),
  // Expired quotes are deleted (spec §8.3): their expiry as a column, for the
  // purge and the per-token count. Quotes kept before: from the record,
  // rounded up to the second.
  statements("quotes-expiry", [
    `ALTER TABLE quotes ADD COLUMN expires_at INTEGER`,
    `UPDATE quotes SET expires_at =
       (CAST(strftime('%s', json_extract(record, '$.expires_at')) AS INTEGER) + 1) * 1000`,
    `CREATE INDEX IF NOT EXISTS quotes_by_token ON quotes (token_key, expires_at)`,
    `CREATE INDEX IF NOT EXISTS quotes_by_expiry ON quotes (expires_at)`,
  ]),
  // One concept for what a token sets aside (spec §8.1): the hold. Each
  // redemption's reservation becomes a hold of kind `redemption`; the
  // identity's reserved total is what its open holds hold. A redemption row
  // keeps what the API answers, its hold what the balance counts.
  statements("holds", [
    `CREATE TABLE holds (
       id TEXT PRIMARY KEY,
       token_key TEXT NOT NULL,
       kind TEXT NOT NULL,
       amount TEXT NOT NULL,
       captured TEXT NOT NULL,
       status TEXT NOT NULL,
       expires_at INTEGER NOT NULL,
       on_expiry TEXT NOT NULL,
       closed_by TEXT,
       captured_before_expiry TEXT,
       adjusted INTEGER NOT NULL DEFAULT 0
     )`,
    `CREATE INDEX holds_by_token ON holds (token_key, status, expires_at)`,
    `CREATE INDEX holds_open ON holds (status, expires_at)`,
    `INSERT INTO holds (id, token_key, kind, amount, captured, status, expires_at, on_expiry, closed_by)
     SELECT id, token_key, 'redemption', debit,
       CASE status WHEN 'committed' THEN debit ELSE '0' END,
       CASE status WHEN 'reserved' THEN 'open' ELSE 'closed' END,
       expires_at, 'release',
       CASE
         WHEN status = 'reserved' THEN NULL
         WHEN json_extract(record, '$.failure.code') = 'reservation_expired' THEN 'expiry'
         ELSE 'close'
       END
     FROM redemptions`,
    `ALTER TABLE tokens RENAME COLUMN reserved TO held`,
    `DROP INDEX IF EXISTS redemptions_reserved`,
    `ALTER TABLE redemptions DROP COLUMN debit`,
    `ALTER TABLE redemptions DROP COLUMN expires_at`,
  ]),
  // Federation (spec §11): a home's grants, a visited gateway's held grants and requests.
  ...GRANT_MIGRATIONS,
  entriesWithRedemption("ledger-entries-redemption"),
  // Holder proofs admitted per token (spec §6.6), beside its redemptions so
  // that one transaction serialises them; kept until no longer usable.
  statements("holder-proofs", [
    `CREATE TABLE IF NOT EXISTS holder_proofs (
       token_key TEXT NOT NULL,
       jti TEXT NOT NULL,
       usable_until INTEGER NOT NULL,
       PRIMARY KEY (token_key, jti)
     )`,
    `CREATE INDEX IF NOT EXISTS holder_proofs_by_expiry ON holder_proofs (usable_until)`,
  ]),
];

/** The entries reports are made from, and their totals per bucket (`settlement-buckets.ts`). */
export const SETTLEMENT_MIGRATIONS: readonly Migration[] = [
  statements("settlement-1", SETTLEMENT_ENTRIES),
  {
    id: "settlement-buckets",
    apply(sql) {
      sql.run(`CREATE TABLE settlement_buckets (
         width INTEGER NOT NULL,
         bucket_start INTEGER NOT NULL,
         carrier TEXT NOT NULL,
         provider TEXT NOT NULL,
         unit TEXT NOT NULL,
         credit_unit TEXT NOT NULL,
         debited_atto TEXT NOT NULL,
         credited_atto TEXT NOT NULL,
         count INTEGER NOT NULL,
         PRIMARY KEY (width, bucket_start, carrier, provider, unit, credit_unit)
       )`);
      backfillBuckets(sql);
    },
  },
  entriesWithRedemption("settlement-entries-redemption"),
];

/** The parties' client assertions accepted and not yet forgotten (spec §7.13 step 6). */
export const ASSERTION_MIGRATIONS: readonly Migration[] = [
  statements("assertion-jtis-1", [
    `CREATE TABLE IF NOT EXISTS assertion_jtis (
       party TEXT NOT NULL,
       jti TEXT NOT NULL,
       keep_until INTEGER NOT NULL,
       PRIMARY KEY (party, jti)
     )`,
    `CREATE INDEX IF NOT EXISTS assertion_jtis_by_time ON assertion_jtis (keep_until)`,
  ]),
];

/** The generated receipt key (`key-store.ts`). */
export const KEY_MIGRATIONS: readonly Migration[] = [
  statements("keys-1", [
    `CREATE TABLE IF NOT EXISTS gateway_keys (slot TEXT PRIMARY KEY, jwk TEXT NOT NULL)`,
  ]),
];

/** Everything, for a database that holds it all (Node). */
export const ALL_MIGRATIONS: readonly Migration[] = [
  ...LEDGER_MIGRATIONS,
  ...SETTLEMENT_MIGRATIONS,
  ...KEY_MIGRATIONS,
  ...ASSERTION_MIGRATIONS,
];
