/**
 * @module A token's ledger rows as the gateway wrote them before holds (its
 * `tokens` with a `reserved` total, `redemptions` with their debit and
 * expiry), and what the in-place migration must make of them: the same
 * balance, held by holds, and the open reservation still committable. Runs
 * in Node (a SQLite file) and inside workerd (a Durable Object's storage).
 */
import { expect } from "vitest";
import type { SqlStatements } from "../../src/adapters/ledger/sql/driver.ts";
import type { SqlLedger } from "../../src/adapters/ledger/sql/sql-ledger.ts";
import { RESERVATION_EXPIRED, type RedemptionRecord } from "../../src/core/redemption/record.ts";
import { redemptionRecord } from "./redemption-record.ts";

export const EARLIER_TOKEN_KEY = "before-holds-token-key-00000000000000000000";
const TOKEN = { iss: "https://tokens.carrier-a.example", jti: "before-holds" };

/** The ledger tables of the migrations `ledger-1` and `quotes-expiry`, as they were. */
export const EARLIER_LEDGER_TABLES = [
  `CREATE TABLE tokens (token_key TEXT PRIMARY KEY, iss TEXT NOT NULL, jti TEXT NOT NULL,
     face_value TEXT NOT NULL, unit TEXT NOT NULL, committed TEXT NOT NULL, reserved TEXT NOT NULL)`,
  `CREATE TABLE redemptions (id TEXT PRIMARY KEY, token_key TEXT NOT NULL,
     idempotency_key TEXT NOT NULL, request_hash TEXT NOT NULL, status TEXT NOT NULL,
     debit TEXT NOT NULL, expires_at INTEGER NOT NULL, record TEXT NOT NULL,
     UNIQUE (token_key, idempotency_key))`,
  `CREATE INDEX redemptions_reserved ON redemptions (status, expires_at)`,
];

const id = (n: number) => `rd.${EARLIER_TOKEN_KEY}.${String(n).padStart(22, "A")}`;

/**
 * One token worth 20: 4 committed, 3 reserved until `now + 60 s`, 2
 * reserved until `now - 1` (lapsed, not yet recovered), 5 released by a
 * provider failure, 6 released by expiry. Committed 4, reserved 5.
 */
export function writeEarlierRows(sql: SqlStatements, now: number): void {
  sql.run(
    "INSERT INTO tokens VALUES (?, ?, ?, '20', 'gpu-second:h100-sxm', '4', '5')",
    EARLIER_TOKEN_KEY,
    TOKEN.iss,
    TOKEN.jti,
  );
  const rows: [number, string, string, number, Partial<RedemptionRecord>][] = [
    [1, "committed", "4", now - 10_000, {}],
    [2, "reserved", "3", now + 60_000, {}],
    [3, "reserved", "2", now - 1, {}],
    [
      4,
      "released",
      "5",
      now - 5000,
      { failure: { code: "provider_unavailable", status: 502, detail: "refused" } },
    ],
    [5, "released", "6", now - 5000, { failure: RESERVATION_EXPIRED }],
  ];
  for (const [n, status, debit, expiresAt, extra] of rows) {
    // As the version before holds stored it: no capture mode.
    const { captureMode: _, ...record } = redemptionRecord(
      EARLIER_TOKEN_KEY,
      TOKEN,
      expiresAt - 60_000,
      {
        id: id(n),
        status: status as RedemptionRecord["status"],
        debited: { amount: debit, unit: "gpu-second:h100-sxm" },
        expiresAt,
        idempotencyKey: `key-${n}`,
        requestHash: `hash-${n}`,
        receipt: `receipt-${n}`,
        ...extra,
      },
    );
    sql.run(
      "INSERT INTO redemptions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      record.id,
      EARLIER_TOKEN_KEY,
      record.idempotencyKey,
      record.requestHash,
      status,
      debit,
      expiresAt,
      JSON.stringify(record),
    );
  }
}

/** The migrated ledger keeps the balance, holds it in holds, and still commits and recovers. */
export async function checkUpgraded(ledger: SqlLedger, now: number): Promise<void> {
  // The lapsed reservation reads as released before recovery (spec §8.6).
  expect(await ledger.balance(EARLIER_TOKEN_KEY, now)).toEqual({
    committed: "4",
    reserved: "3",
    recorded: { faceValue: "20", unit: "gpu-second:h100-sxm" },
  });
  const holds = await Promise.all(
    [1, 2, 3, 4, 5].map((n) => ledger.getHold(EARLIER_TOKEN_KEY, id(n))),
  );
  expect(holds.map((hold) => [hold?.kind, hold?.status, hold?.captured, hold?.closedBy])).toEqual([
    ["redemption", "closed", "4", "close"],
    ["redemption", "open", "0", undefined],
    ["redemption", "open", "0", undefined],
    ["redemption", "closed", "0", "close"],
    ["redemption", "closed", "0", "expiry"],
  ]);
  expect(await ledger.recover(now)).toBe(1);
  expect(await ledger.get(EARLIER_TOKEN_KEY, id(3))).toMatchObject({
    status: "released",
    failure: { code: "reservation_expired" },
  });
  // The reservation in flight at the upgrade commits, once.
  expect(await ledger.commit(EARLIER_TOKEN_KEY, id(2), now)).toMatchObject({
    status: "committed",
    remaining: "13",
  });
  expect(await ledger.balance(EARLIER_TOKEN_KEY, now)).toMatchObject({
    committed: "7",
    reserved: "0",
  });
  expect(await ledger.lookup(EARLIER_TOKEN_KEY, "key-1")).toMatchObject({
    id: id(1),
    receipt: "receipt-1",
  });
}
