/**
 * @module The ledger's tables. Amounts are canonical decimal TEXT; sums are
 * kept per token and updated in the same transaction with exact arithmetic.
 */
export const LEDGER_SCHEMA = [
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
