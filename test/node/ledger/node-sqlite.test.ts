/**
 * The Node ledger's SQLite file, against a second connection to it (what
 * another gateway process is): a held write lock is waited for without
 * blocking the event loop, then refused with `ledger_busy` (spec §8.1);
 * expired quotes are deleted and the write-ahead log truncated by the
 * upkeep (§8.3), and holder proofs once no longer usable (§6.6); a file
 * written by an earlier version is migrated in place, reservations of before
 * holds included.
 */
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { migrate } from "../../../src/adapters/ledger/sql/migrate.ts";
import { ALL_MIGRATIONS } from "../../../src/adapters/ledger/sql/schema.ts";
import { PAGE_SIZE_BYTES } from "../../../src/adapters/ledger/sqlite/node-sqlite.ts";
import { isOctError } from "../../../src/core/errors.ts";
import type { QuoteRecord } from "../../../src/core/redemption/record.ts";
import { totalsOf } from "../../../src/core/settlement/report.ts";
import { nodePorts, type NodePorts } from "../../../src/runtime/node-ports.ts";
import { NOW_SECONDS, testKeys, testNetwork } from "../../support/network.ts";
import {
  checkUpgraded,
  EARLIER_TOKEN_KEY,
  writeEarlierRows,
} from "../../support/ledger-before-holds.ts";
import { quoteRecord as quote } from "../../support/quote-record.ts";

const NOW = NOW_SECONDS * 1000;
const opened: { close(): void }[] = [];
afterEach(() => opened.splice(0).forEach((db) => db.close()));

async function ledgerFile(limits: Record<string, number> = {}) {
  return ledgerAt(join(mkdtempSync(join(tmpdir(), "oct-sqlite-")), "oct.db"), limits);
}

async function ledgerAt(path: string, limits: Record<string, number> = {}) {
  const clock = {
    t: NOW,
    now() {
      return this.t;
    },
  };
  const ports = nodePorts({
    network: testNetwork(await testKeys(), { limits }),
    dbPath: path,
    clock,
  });
  const other = new DatabaseSync(path);
  opened.push(ports, other);
  return { path, ports, other, clock };
}

const tokenKey = (n: number) => `token-${String(n).padStart(37, "0")}`;

const save = (ports: NodePorts, q: QuoteRecord) => ports.ledger.saveQuote(q, NOW, 100);
const count = (db: DatabaseSync, table: string) =>
  Number(db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get()!.n);

describe("another connection holds the write lock", () => {
  it("a write waits without blocking the event loop, and goes through once the lock is free", async () => {
    const { ports, other } = await ledgerFile({ ledger_lock_timeout_ms: 5000 });
    other.exec("BEGIN IMMEDIATE");
    let ticks = 0;
    const ticking = setInterval(() => ticks++, 10);
    setTimeout(() => other.exec("COMMIT"), 200);
    const q = quote(tokenKey(1), NOW + 60_000);
    try {
      expect(await save(ports, q)).toEqual({ kind: "saved" });
    } finally {
      clearInterval(ticking);
    }
    // A synchronous wait would have let no timer run (and never released the lock).
    expect(ticks).toBeGreaterThanOrEqual(5);
    expect(await ports.ledger.getQuote(q.tokenKey, q.id)).toMatchObject({ id: q.id });
  });

  it("a write that cannot take it within ledger_lock_timeout_ms is refused with ledger_busy and changes nothing; reads go on", async () => {
    const { ports, other } = await ledgerFile({ ledger_lock_timeout_ms: 300 });
    other.exec("BEGIN IMMEDIATE");
    const q = quote(tokenKey(2), NOW + 60_000);
    const started = Date.now();
    const refusal = await save(ports, q).catch((error: unknown) => error);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(isOctError(refusal) && refusal.code).toBe("ledger_busy");
    expect(refusal).toMatchObject({ status: 503, retryAfterSeconds: 1 });
    await expect(ports.upkeep()).rejects.toMatchObject({ code: "ledger_busy" });
    // Reads take no lock.
    expect(await ports.ledger.balance(tokenKey(2), NOW)).toEqual({
      committed: "0",
      reserved: "0",
    });
    other.exec("ROLLBACK");
    expect(await ports.ledger.getQuote(q.tokenKey, q.id)).toBeUndefined();
    expect(await save(ports, q)).toEqual({ kind: "saved" });
  });
});

describe("bounded storage", () => {
  it("the upkeep deletes every token's expired quotes, and keeps the live ones", async () => {
    const { ports, other, clock } = await ledgerFile();
    // 40 tokens that quote and then go quiet: no later quote of theirs deletes anything.
    for (let i = 0; i < 1200; i++) await save(ports, quote(tokenKey(i % 40), NOW + 1 + (i % 2)));
    expect(count(other, "quotes")).toBe(1200);
    clock.t = NOW + 1; // half have expired (expires_at <= now)
    await ports.upkeep();
    expect(count(other, "quotes")).toBe(600);
    clock.t = NOW + 2;
    await ports.upkeep();
    expect(count(other, "quotes")).toBe(0);
  });

  it("holder proofs are kept while usable and forgotten after: by the next admission for their token, and by the upkeep for every token", async () => {
    const { ports, other, clock } = await ledgerFile();
    const admit = (n: number, jti: string, until: number) =>
      ports.ledger.admitProof(tokenKey(n), jti, until, clock.now());
    for (let i = 0; i < 1200; i++)
      expect(await admit(i % 40, `p-${i}`, NOW + 1 + (i % 2))).toBe(true);
    expect(await admit(0, "p-0", NOW + 1)).toBe(false);
    expect(count(other, "holder_proofs")).toBe(1200);
    clock.t = NOW + 1;
    // Its own token's lapsed proofs go first: p-0 may be presented again (it is stale by now anyway).
    expect(await admit(0, "p-0", NOW + 2)).toBe(true);
    await ports.upkeep();
    expect(count(other, "holder_proofs")).toBe(601);
    clock.t = NOW + 2;
    await ports.upkeep();
    expect(count(other, "holder_proofs")).toBe(0);
  });

  it("the upkeep truncates the write-ahead log", async () => {
    const { path, ports } = await ledgerFile();
    for (let i = 0; i < 1000; i++) await save(ports, quote(tokenKey(i % 20), NOW + 60_000));
    const wal = () => statSync(`${path}-wal`).size;
    expect(wal()).toBeGreaterThan(4 * 1024 * 1024);
    await ports.upkeep();
    expect(wal()).toBe(0);
  });

  it("a new file has pages of PAGE_SIZE_BYTES, where a redemption's record fits more than once", async () => {
    const { other } = await ledgerFile();
    expect(Number(other.prepare("PRAGMA page_size").get()!.page_size)).toBe(PAGE_SIZE_BYTES);
  });

  it("a file made with other pages keeps them", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "oct-sqlite-")), "oct.db");
    const earlier = new DatabaseSync(path);
    earlier.exec("PRAGMA page_size = 4096; CREATE TABLE t (x); PRAGMA journal_mode = WAL");
    earlier.close();
    const { ports, other } = await ledgerAt(path);
    expect(Number(other.prepare("PRAGMA page_size").get()!.page_size)).toBe(4096);
    expect(await ports.ledger.balance(tokenKey(1), NOW)).toMatchObject({ committed: "0" });
  });
});

describe("a ledger file written before migrations", () => {
  /** The tables as the gateway created them before `schema_migrations` (abridged to what is read). */
  const EARLIER_SCHEMA = `
    CREATE TABLE quotes (id TEXT PRIMARY KEY, token_key TEXT NOT NULL, record TEXT NOT NULL);
    CREATE TABLE settlement_entries (
      redemption_id TEXT PRIMARY KEY, carrier TEXT NOT NULL, provider TEXT NOT NULL,
      unit TEXT NOT NULL, debited TEXT NOT NULL, credit_unit TEXT NOT NULL, credited TEXT NOT NULL,
      tariff TEXT NOT NULL, committed_at INTEGER NOT NULL, forwarded INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE gateway_keys (slot TEXT PRIMARY KEY, jwk TEXT NOT NULL);`;

  it("is brought forward in place, once: quotes get their expiry, settlement buckets their totals", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "oct-sqlite-")), "oct.db");
    const earlier = new DatabaseSync(path);
    earlier.exec(EARLIER_SCHEMA);
    const kept = quote(tokenKey(7), Date.parse("2030-03-17T17:52:30.250Z"));
    earlier
      .prepare("INSERT INTO quotes (id, token_key, record) VALUES (?, ?, ?)")
      .run(kept.id, kept.tokenKey, JSON.stringify(kept));
    const hour = Date.parse("2030-03-17T17:00:00Z");
    const insert = earlier.prepare(
      "INSERT INTO settlement_entries VALUES (?, 'carrier-a', 'edge', 'u', ?, 'c', ?, '{}', ?, 0)",
    );
    insert.run("rd-1", "0.1", "0.25", hour);
    insert.run("rd-2", "0.2", "0.5", hour + 3_599_999);
    insert.run("rd-3", "7", "17.5", hour + 3_600_000);
    earlier.close();

    for (let opening = 0; opening < 2; opening++) {
      const ports = nodePorts({
        network: testNetwork(await testKeys()),
        dbPath: path,
        clock: { now: () => NOW },
      });
      const other = new DatabaseSync(path);
      opened.push(ports, other);
      // Rounded up to the second: never deleted before its time.
      expect(other.prepare("SELECT expires_at FROM quotes").get()).toEqual({
        expires_at: Date.parse("2030-03-17T17:52:31Z"),
      });
      // Two hours and the day that holds them.
      expect(count(other, "settlement_buckets")).toBe(3);
      const sums = await ports.settlements.sums({ from: hour, to: hour + 7_200_000 });
      expect(totalsOf(sums)).toEqual([
        {
          carrier: "carrier-a",
          provider: "edge",
          unit: "u",
          debited: "7.3",
          credit_unit: "c",
          credited: "18.25",
          count: 3,
        },
      ]);
      expect(await ports.ledger.getQuote(kept.tokenKey, kept.id)).toEqual(kept);
    }
  });
});

describe("a ledger file written before holds", () => {
  it("is brought forward in place, once: each redemption's reservation a hold, the balance as it was", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "oct-sqlite-")), "oct.db");
    const earlier = new DatabaseSync(path);
    const statements = {
      all: (sql: string, ...params: (string | number | null)[]) =>
        earlier.prepare(sql).all(...params) as never,
      run: (sql: string, ...params: (string | number | null)[]) =>
        void earlier.prepare(sql).run(...params),
    };
    // The migrations of before holds: neither "holds" nor the ledger's that came after it (grants).
    const later = new Set(["holds", "grants", "grants-issued-by-token"]);
    migrate(
      statements,
      ALL_MIGRATIONS.filter((migration) => !later.has(migration.id)),
    );
    writeEarlierRows(statements, NOW);
    earlier.close();

    const { ports } = await ledgerAt(path);
    await checkUpgraded(ports.ledger, NOW);
    // Opened again: nothing is migrated twice.
    const again = await ledgerAt(path);
    expect(await again.ports.ledger.balance(EARLIER_TOKEN_KEY, NOW)).toMatchObject({
      committed: "7",
      reserved: "0",
    });
    expect(count(again.other, "holds")).toBe(5);
  });
});
