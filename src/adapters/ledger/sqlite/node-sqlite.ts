/**
 * @module The ledger on Node: one SQLite file (`node:sqlite`, built into
 * Node 22, no native addon), WAL mode, `BEGIN IMMEDIATE` transactions so
 * several gateway processes can share the file and still serialise per
 * write. Waiting for another process's lock never blocks the event loop
 * (`write-lock.ts`); the write-ahead log is kept small.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { SqlDriver, SqlValue, Row } from "../sql/driver.ts";
import { migrate, type Migration } from "../sql/migrate.ts";
import { isBusy, ledgerBusy, LOCKED, withWriteLock } from "./write-lock.ts";

/** At start, before any request is served, waiting on the thread is harmless. */
const OPENING_BUSY_TIMEOUT_MS = 10_000;
/**
 * The log file is cut back to this size whenever it restarts, should the
 * periodic truncation not have managed it (readers in other processes).
 */
const WAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024;

export interface SqliteOptions {
  /** Tables this file holds, brought up to date on open. */
  migrations: readonly Migration[];
  /** How long a transaction waits for the write lock before `ledger_busy`. */
  lockTimeoutMs: number;
}

export interface Sqlite {
  driver: SqlDriver;
  /** Moves the log into the database and truncates it; skipped while others hold locks. Off the request path. */
  checkpoint(): void;
  close(): void;
}

/** The page size of a new ledger file. */
export const PAGE_SIZE_BYTES = 8192;

/**
 * Runs an opening statement, trying again until OPENING_BUSY_TIMEOUT_MS:
 * when two processes open one new file at once, the switch to WAL can be
 * answered busy at once, without the busy handler (seen as a gateway that
 * exited at start with "database is locked"). Synchronous, as opening is.
 */
function whileOpening(db: DatabaseSync, sql: string): void {
  const deadline = Date.now() + OPENING_BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.exec(sql);
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      Atomics.wait(PAUSE, 0, 0, 5);
    }
  }
}
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

export function openSqlite(path: string, options: SqliteOptions): Sqlite {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  // Another process holding a lock (even while it switches the file to WAL
  // at the same moment) makes opening wait, not fail.
  db.exec(`PRAGMA busy_timeout = ${OPENING_BUSY_TIMEOUT_MS}`);
  // A new file gets 8 KiB pages (a file that has data keeps its own): a
  // redemption's row (its record with the receipt, about 2 KB) fits only once
  // in a 4 KiB page, which so stayed half empty; 8 KiB pages hold three, and
  // the ledger grows a third less per redemption (bench/README.md).
  whileOpening(db, `PRAGMA page_size = ${PAGE_SIZE_BYTES}`);
  whileOpening(db, "PRAGMA journal_mode = WAL");
  whileOpening(db, "PRAGMA synchronous = NORMAL");
  // Checkpoints run on a timer (`checkpoint` below), not inside whichever
  // request happens to fill the log (bench/README.md: the redemption tail).
  whileOpening(db, "PRAGMA wal_autocheckpoint = 0");
  whileOpening(db, `PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  const statements = new Map<string, ReturnType<DatabaseSync["prepare"]>>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
  const reading = <T>(run: () => T): T => {
    try {
      return run();
    } catch (error) {
      // WAL readers take no lock; SQLite may still answer busy while another
      // process recovers the log. A retryable refusal, never a 500.
      if (isBusy(error)) throw ledgerBusy("another process holds the ledger file", error);
      throw error;
    }
  };
  const all = (sql: string, ...params: SqlValue[]) =>
    reading(() => prepared(sql).all(...params) as Row[]);
  const run = (sql: string, ...params: SqlValue[]) =>
    reading(() => void prepared(sql).run(...params));

  /** One try: the lock and `fn` in one synchronous stretch, or LOCKED. */
  const attempt = <T>(fn: () => T): T | typeof LOCKED => {
    try {
      db.exec("BEGIN IMMEDIATE");
    } catch (error) {
      if (isBusy(error)) return LOCKED;
      throw error;
    }
    try {
      const result = fn();
      db.exec("COMMIT");
      return result;
    } catch (error) {
      if (db.isTransaction) db.exec("ROLLBACK");
      if (isBusy(error)) throw ledgerBusy("the ledger's commit met another writer", error);
      throw error;
    }
  };

  const opening = attempt(() => migrate({ all, run }, options.migrations));
  if (opening === LOCKED) throw new Error(`${path}: the database stayed locked while opening`);
  // From here on a busy lock fails at once; `withWriteLock` waits without blocking.
  db.exec("PRAGMA busy_timeout = 0");

  const driver: SqlDriver = {
    all,
    run,
    transaction: (fn) => withWriteLock(() => attempt(fn), options.lockTimeoutMs),
  };
  const checkpoint = () => void db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  return { driver, checkpoint, close: () => db.close() };
}
