/**
 * @module The ledger (`spec/oct.md` §8): per token identity, serialised in
 * one place, its face value and its holds (what is set aside, then captured
 * or released), the redemptions and authorisations built on them with their
 * idempotency keys, and quotes. Node keeps it in SQLite, Workers in one
 * Durable Object per token; both pass the same tests. A change that cannot
 * be serialised in time is refused with `ledger_busy` (spec §8.1).
 */
import type { HoldKind, HoldRefusal, OnExpiry } from "../core/hold/hold.ts";
import type {
  CaptureTerms,
  Failure,
  QuoteRecord,
  RedemptionRecord,
} from "../core/redemption/record.ts";
import type { TokenIdentity } from "../core/token/verify.ts";

export interface Balance {
  /** Decimal strings in the token's unit. */
  committed: string;
  /** What the identity's open holds hold. */
  reserved: string;
  /** The face value and unit recorded at the identity's first hold (spec §6.3). */
  recorded?: { faceValue: string; unit: string };
}

export type ReserveOutcome =
  | { kind: "reserved"; record: RedemptionRecord; balance: Balance }
  /** The same key and the same request: the stored redemption. */
  | { kind: "existing"; record: RedemptionRecord }
  /** The same key with a different request. */
  | { kind: "conflict"; record: RedemptionRecord }
  | { kind: "insufficient"; balance: Balance }
  /** The identity was first recorded with another face value or unit (spec §6.3). */
  | { kind: "mismatch"; recorded: { faceValue: string; unit: string } }
  /** At a visited gateway: the grant named is no longer drawable or has no room for the debit. */
  | { kind: "no_grant_room" };

/** A quote stored, or refused because the token holds the most unexpired quotes allowed. */
export type SaveQuoteOutcome =
  | { kind: "saved" }
  /** `earliestExpiry`: when the first of the token's live quotes expires, ms since the epoch. */
  | { kind: "full"; earliestExpiry: number };

export interface ReserveInput {
  /**
   * Status `reserved` (capture automatic: a hold of kind redemption) or
   * `authorized` (capture manual: kind authorization), expiring at
   * `record.expiresAt`, released at expiry.
   */
  record: RedemptionRecord;
  faceValue: string;
  /** ms since the epoch. */
  now: number;
  /**
   * At a visited gateway (spec §11.9): the held grant the debit draws on,
   * which must still be drawable (`marginMs` before its `valid_until`) with
   * room for it; `record.expiresAt` is no later than its `valid_until`.
   */
  grant?: { id: string; marginMs: number };
}

/** A token identity as its first hold records it (spec §6.3). */
export interface HoldIdentity {
  tokenKey: string;
  token: TokenIdentity;
  faceValue: string;
  unit: string;
}

/** A hold as the ledger keeps it, amounts as decimal strings in the token's unit. */
export interface HoldView {
  id: string;
  tokenKey: string;
  kind: HoldKind;
  amount: string;
  captured: string;
  status: "open" | "closed";
  /** ms since the epoch. */
  expiresAt: number;
  onExpiry: OnExpiry;
  closedBy?: "close" | "expiry";
  capturedBeforeExpiry?: string;
  adjusted?: boolean;
}

export interface PlaceHoldInput {
  identity: HoldIdentity;
  hold: { id: string; kind: "grant"; amount: string; expiresAt: number; onExpiry: OnExpiry };
  now: number;
}

export type PlaceHoldOutcome =
  | { kind: "placed"; hold: HoldView; balance: Balance }
  /** A hold with this id exists already: nothing changed. */
  | { kind: "existing"; hold: HoldView }
  | { kind: "insufficient"; balance: Balance }
  | { kind: "mismatch"; recorded: { faceValue: string; unit: string } };

export type HoldOutcome =
  /** `changed` false: a repeat of a step already taken (idempotent). */
  | { kind: "done"; changed: boolean; hold: HoldView; balance: Balance }
  | { kind: "refused"; refusal: HoldRefusal; hold: HoldView }
  | { kind: "unknown" };

export interface Ledger {
  /**
   * Atomically, for one token: apply lapsed holds' expiry, answer a known
   * idempotency key, or place the hold of the debit if committed + held +
   * debit ≤ face value.
   */
  reserve(input: ReserveInput): Promise<ReserveOutcome>;
  /**
   * Capture automatic: a reservation → committed (its hold captured whole
   * and closed), with one settlement entry. Capture manual: an authorisation
   * with its capture asked for → captured (the captured debit committed, the
   * rest returned), with the settlement entry of the captured amounts. Any
   * other state, or a lapsed hold: unchanged.
   */
  commit(tokenKey: string, id: string, now: number): Promise<RedemptionRecord | undefined>;
  /** Reserved → released, giving the debit back. Any other state: unchanged. */
  release(
    tokenKey: string,
    id: string,
    failure: Failure,
    now: number,
  ): Promise<RedemptionRecord | undefined>;
  /**
   * An authorisation not yet asked to capture records `terms`, fixed from
   * then on; nothing is committed yet. Any other state: unchanged. Answers
   * the record as it stands after the step.
   */
  beginCapture(
    tokenKey: string,
    id: string,
    terms: CaptureTerms,
    now: number,
  ): Promise<RedemptionRecord | undefined>;
  /** Authorized → voided, its hold closed with nothing captured. Any other state: unchanged. */
  void(tokenKey: string, id: string, now: number): Promise<RedemptionRecord | undefined>;
  get(tokenKey: string, id: string): Promise<RedemptionRecord | undefined>;
  /** The token's redemptions, newest first, at most `limit`. */
  history(tokenKey: string, limit: number): Promise<RedemptionRecord[]>;
  /** The redemption made with this idempotency key, if any. */
  lookup(tokenKey: string, idempotencyKey: string): Promise<RedemptionRecord | undefined>;
  /** Read-only: lapsed holds count as expired (spec §8.6); never waits for writers. */
  balance(tokenKey: string, now: number): Promise<Balance>;
  /**
   * Atomically, for one token: delete its expired quotes, then store `quote`
   * unless the token holds `most` unexpired quotes at `now` (spec §8.3).
   */
  saveQuote(quote: QuoteRecord, now: number, most: number): Promise<SaveQuoteOutcome>;
  getQuote(tokenKey: string, id: string): Promise<QuoteRecord | undefined>;

  // Holds that no redemption record stands for: federation grants (issue 14).
  // Each is one serialised step on the identity, after its lapsed holds' expiry.

  /** Sets `amount` aside if committed + held + amount ≤ face value. */
  placeHold(input: PlaceHoldInput): Promise<PlaceHoldOutcome>;
  /** Captures up to `to` in total (cumulative, monotone, idempotent); closes after when `close`. */
  captureHold(
    tokenKey: string,
    id: string,
    to: string,
    close: boolean,
    now: number,
  ): Promise<HoldOutcome>;
  /** Closes the hold, returning what it did not capture. */
  closeHold(tokenKey: string, id: string, now: number): Promise<HoldOutcome>;
  /** A grant closed by expiry (counted fully used): a late final report lowers its capture to `reported`. */
  adjustHold(tokenKey: string, id: string, reported: string, now: number): Promise<HoldOutcome>;
  getHold(tokenKey: string, id: string): Promise<HoldView | undefined>;

  /**
   * Atomically, for one token: forget its proofs no longer usable at `now`,
   * then admit the holder proof `jti` (kept until `usableUntil`, ms) unless
   * it was admitted before. False for a replay (spec §6.6).
   */
  admitProof(tokenKey: string, jti: string, usableUntil: number, now: number): Promise<boolean>;
}
