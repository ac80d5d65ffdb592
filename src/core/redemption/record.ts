/**
 * @module A redemption as the ledger keeps it, and the identifiers that
 * route to it: ids carry the token's key, so any gateway instance can find
 * the one place (a Durable Object, a row) that owns the token.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { encodeBase64Url } from "../encoding/base64url.ts";
import type { Tariff } from "../network/config.ts";
import type { TokenIdentity } from "../token/verify.ts";

export interface Quantity {
  amount: string;
  unit: string;
}

/**
 * How a redemption is captured (spec §8.4): `automatic`, at once after the
 * provider accepts; `manual`, an authorisation captured or voided later.
 */
export type CaptureMode = "automatic" | "manual";

export type RedemptionStatus =
  // capture automatic: the hold open, then committed or released
  | "reserved"
  | "committed"
  | "released"
  // capture manual: the hold open, then captured, voided or expired
  | "authorized"
  | "captured"
  | "voided"
  | "expired";

/** Why a redemption was released: the refusal its retries get again. */
export interface Failure {
  code: "provider_unavailable" | "reservation_expired";
  status: number;
  detail: string;
}

/** The capture of an authorisation: fixed when first asked for, committed once the provider accepts. */
export interface CaptureTerms {
  /** In the token's unit: at most the authorised debit. */
  debited: Quantity;
  /** In the provider's unit, as asked. */
  credited: Quantity;
  /** The receipt of the captured amounts, signed when the capture was asked for. */
  receipt: string;
}

export interface RedemptionRecord {
  id: string;
  tokenKey: string;
  token: TokenIdentity;
  sub: string;
  carrier: string;
  provider: string;
  status: RedemptionStatus;
  /** Absent in records made before authorisations existed: automatic. */
  captureMode?: CaptureMode;
  /** The amounts held: the debit, and the credit asked for. */
  debited: Quantity;
  credited: Quantity;
  tariff: Tariff;
  workload?: string;
  region?: string;
  quote?: string;
  /** RFC 3339. */
  created_at: string;
  /** When the hold lapses unless committed or captured, ms since the epoch. */
  expiresAt: number;
  idempotencyKey: string;
  requestHash: string;
  /** Capture automatic: the receipt, signed at reservation; shown once committed. */
  receipt?: string;
  /** Capture manual: the capture asked for, then committed. */
  capture?: CaptureTerms;
  /** Capture manual: when the capture was committed, RFC 3339. */
  captured_at?: string;
  /** Remaining balance recorded at the last change of status (token unit). */
  remaining?: string;
  failure?: Failure;
}

/** How a redemption whose reservation lapsed was released (spec §8.6). */
export const RESERVATION_EXPIRED: Failure = {
  code: "reservation_expired",
  status: 409,
  detail: "the reservation expired before it was committed; nothing was debited",
};

/** Whether a redemption is an authorisation (capture manual). */
export const isAuthorization = (record: RedemptionRecord) => record.captureMode === "manual";

/**
 * The status a read reports at `now`: a hold that has lapsed reads as its
 * expiry will leave it (spec §8.6), before recovery has run.
 */
export function statusAt(record: RedemptionRecord, now: number): RedemptionRecord {
  if (record.expiresAt > now) return record;
  if (record.status === "authorized") return { ...record, status: "expired" };
  if (record.status === "reserved") {
    return { ...record, status: "released", failure: RESERVATION_EXPIRED };
  }
  return record;
}

export interface QuoteRecord {
  id: string;
  tokenKey: string;
  token: TokenIdentity;
  provider: string;
  debit: Quantity;
  credit: Quantity;
  tariff: Tariff;
  expires_at: string;
}

const encoder = new TextEncoder();
// By identity object: a verified-token cache hands out the same outcome, and
// so the same identity, for a token seen before, which then costs no digest.
// Identities are never changed once made (their members are readonly).
const tokenKeys = new WeakMap<TokenIdentity, string>();

/**
 * The key of a token's ledger: base64url(SHA-256(iss LF jti)), 43 characters.
 *
 * Synchronous, with a JavaScript SHA-256 (@noble/hashes): Web Crypto's
 * digest is a thread-pool round trip on Node (about 40 µs on the bench
 * machine against 7 µs here, `bench/README.md`), paid by every fresh token's
 * `POST /v1/verify`, whose §6.3 balance read needs the key; this is the
 * same on every runtime, and pure.
 *
 * @example
 * tokenKeyOf({ iss: "https://tokens.carrier-a.example", jti: "01JD…" })
 */
export function tokenKeyOf(identity: TokenIdentity): string {
  let key = tokenKeys.get(identity);
  if (key === undefined) {
    key = encodeBase64Url(sha256(encoder.encode(`${identity.iss}\n${identity.jti}`)));
    tokenKeys.set(identity, key);
  }
  return key;
}

function randomPart(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

/** A new redemption id: `rd.<token key>.<random>`. */
export const newRedemptionId = (tokenKey: string) => `rd.${tokenKey}.${randomPart()}`;
/**
 * A new quote id: `qt.<token key>.<random>.<expiry, ms since the epoch>`. The
 * expiry lets a quote already deleted as expired still be answered
 * `quote_expired` (spec §8.3, §8.4).
 */
export const newQuoteId = (tokenKey: string, expiresAt: number) =>
  `qt.${tokenKey}.${randomPart()}.${expiresAt}`;

const ID = /^(rd|qt)\.([A-Za-z0-9_-]{43})\.[A-Za-z0-9_-]{22}(?:\.(0|[1-9][0-9]{0,15}))?$/;

/** The token key inside a redemption or quote id, or `undefined` for a malformed id. */
export function tokenKeyInId(id: string, kind: "rd" | "qt"): string | undefined {
  const match = ID.exec(id);
  if (!match || match[1] !== kind || (kind === "rd" && match[3] !== undefined)) return undefined;
  return match[2];
}

/** The expiry a quote id carries (ms since the epoch), if it carries one. */
export function expiryInQuoteId(id: string): number | undefined {
  const match = ID.exec(id);
  return match?.[1] === "qt" && match[3] !== undefined ? Number(match[3]) : undefined;
}
