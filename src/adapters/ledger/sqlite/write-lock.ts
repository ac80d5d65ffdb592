/**
 * @module Waiting for SQLite's write lock without blocking the event loop.
 * The connection's own busy handler sleeps on the thread (every request of
 * the process would wait with it), so it is off: an attempt that finds the
 * lock taken fails at once, and is tried again after a short, growing,
 * jittered pause until the deadline; then the change is refused with
 * `ledger_busy` (spec §8.1).
 */
import { OctError } from "../../../core/errors.ts";

const FIRST_PAUSE_MS = 2;
const LONGEST_PAUSE_MS = 100;
/** What a refused client is told to wait, in seconds. */
const RETRY_AFTER_SECONDS = 1;

/** Returned by an attempt that found the write lock taken. */
export const LOCKED = Symbol("locked");

/** Whether a `node:sqlite` error is SQLITE_BUSY (primary or extended code). */
export function isBusy(error: unknown): boolean {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  return typeof code === "number" && (code & 0xff) === 5;
}

/** The refusal of a change that could not take the lock in time (or a read SQLite turned away). */
export function ledgerBusy(detail: string, cause?: unknown): OctError {
  return new OctError("ledger_busy", `${detail}; nothing changed`, {
    retryAfterSeconds: RETRY_AFTER_SECONDS,
    cause,
  });
}

const lockTimedOut = (timeoutMs: number) =>
  `the ledger's write lock is held elsewhere and was not free within ${timeoutMs} ms`;

/**
 * Runs `attempt` (synchronous: it takes the lock and does its work, or
 * returns {@link LOCKED}) until it succeeds or `timeoutMs` have passed.
 */
export async function withWriteLock<T>(
  attempt: () => T | typeof LOCKED,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let tries = 0; ; tries++) {
    const result = attempt();
    if (result !== LOCKED) return result;
    const pause = Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** tries);
    // Jitter: waiters that met the same holder do not all come back at once.
    const wait = Math.min(pause * (0.5 + Math.random() / 2), deadline - Date.now());
    if (wait <= 0) throw ledgerBusy(lockTimedOut(timeoutMs));
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
