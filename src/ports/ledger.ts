/**
 * @module The ledger (`spec/oct.md` §8): per token, serialised in one place,
 * it holds the face value, what is reserved and committed, the redemptions
 * with their idempotency keys, and quotes. Node keeps it in SQLite, Workers
 * in one Durable Object per token; both pass the same tests. A change that
 * cannot be serialised in time is refused with `ledger_busy` (spec §8.1).
 */
import type { QuoteRecord, RedemptionRecord, Failure } from "../core/redemption/record.ts";

export interface Balance {
  /** Decimal strings in the token's unit. */
  committed: string;
  reserved: string;
  /** The face value and unit recorded at the identity's first reservation (spec §6.3). */
  recorded?: { faceValue: string; unit: string };
}

export type ReserveOutcome =
  | { kind: "reserved"; record: RedemptionRecord; balance: Balance }
  /** The same key and the same request: the stored redemption. */
  | { kind: "existing"; record: RedemptionRecord }
  /** The same key with a different request. */
  | { kind: "conflict"; record: RedemptionRecord }
  | { kind: "insufficient"; balance: Balance }
  /** The identity was first reserved with another face value or unit (spec §6.3). */
  | { kind: "mismatch"; recorded: { faceValue: string; unit: string } };

/** A quote stored, or refused because the token holds the most unexpired quotes allowed. */
export type SaveQuoteOutcome =
  | { kind: "saved" }
  /** `earliestExpiry`: when the first of the token's live quotes expires, ms since the epoch. */
  | { kind: "full"; earliestExpiry: number };

export interface ReserveInput {
  record: RedemptionRecord;
  faceValue: string;
  /** ms since the epoch. */
  now: number;
}

export interface Ledger {
  /**
   * Atomically, for one token: release lapsed reservations, answer a known
   * idempotency key, or reserve the debit if committed + reserved + debit ≤
   * face value.
   */
  reserve(input: ReserveInput): Promise<ReserveOutcome>;
  /** Reserved and unexpired → committed, with one settlement entry. Any other state: unchanged. */
  commit(tokenKey: string, id: string, now: number): Promise<RedemptionRecord | undefined>;
  /** Reserved → released, giving the debit back. Any other state: unchanged. */
  release(
    tokenKey: string,
    id: string,
    failure: Failure,
    now: number,
  ): Promise<RedemptionRecord | undefined>;
  get(tokenKey: string, id: string): Promise<RedemptionRecord | undefined>;
  /** The token's redemptions, newest first, at most `limit`. */
  history(tokenKey: string, limit: number): Promise<RedemptionRecord[]>;
  /** The redemption made with this idempotency key, if any. */
  lookup(tokenKey: string, idempotencyKey: string): Promise<RedemptionRecord | undefined>;
  /** Read-only: lapsed reservations count as released (spec §8.6); never waits for writers. */
  balance(tokenKey: string, now: number): Promise<Balance>;
  /**
   * Atomically, for one token: delete its expired quotes, then store `quote`
   * unless the token holds `most` unexpired quotes at `now` (spec §8.3).
   */
  saveQuote(quote: QuoteRecord, now: number, most: number): Promise<SaveQuoteOutcome>;
  getQuote(tokenKey: string, id: string): Promise<QuoteRecord | undefined>;
  /**
   * Atomically, for one token: forget its proofs no longer usable at `now`,
   * then admit the holder proof `jti` (kept until `usableUntil`, ms) unless
   * it was admitted before. False for a replay (spec §6.5).
   */
  admitProof(tokenKey: string, jti: string, usableUntil: number, now: number): Promise<boolean>;
}
