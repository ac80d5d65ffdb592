/**
 * @module The ledger's federation side (`spec/oct.md` §11): a home's
 * grants (each a hold of kind `grant` and its record, moved together) and a
 * visited gateway's held grants and recorded grant requests. Every change
 * is one serialised step on the token identity, after its lapsed holds'
 * expiry, like every other ledger change (spec §8.1).
 */
import type { GrantAsk, UsageReport } from "../core/federation/issued-grant.ts";
import type { Federation } from "../core/network/peers.ts";
import type {
  GrantTermsRecord,
  HeldGrantRecord,
  IssuedGrantRecord,
} from "../core/federation/records.ts";
import type { HoldIdentity } from "./ledger.ts";

export interface IssueGrantInput {
  identity: HoldIdentity;
  /** The terms but what the step decides: amount and times. */
  terms: Omit<GrantTermsRecord, "amount" | "issuedAt" | "validUntil" | "reportBy" | "jws">;
  fingerprint: string;
  ask: GrantAsk;
  /** The token's `exp`, in ms: no grant is valid after it. */
  tokenExp: number;
  settings: Pick<Federation, "grant_ttl_seconds" | "report_window_seconds">;
  now: number;
}

export type IssueGrantOutcome =
  | { kind: "issued"; record: IssuedGrantRecord }
  /** A grant with this id exists already: the request was answered before. */
  | { kind: "existing"; record: IssuedGrantRecord }
  /** The identity was first recorded with another face value or unit (spec §6.3). */
  | { kind: "mismatch"; recorded: { faceValue: string; unit: string } };

/** A recorded grant request (spec §11.9 "Asking"), kept until it is answered. */
export interface GrantAskRecord {
  requestId: string;
  tokenKey: string;
  home: string;
  token: string;
  amount: string;
  minAmount: string;
  unit: string;
  identity: { iss: string; jti: string };
  faceValue: string;
  /** For a bound token: the holder's proof the request carries through (spec §11.3.1). */
  holderProof?: string;
}

export interface GrantLedger {
  // --- home ---

  /** The grant as the home records it, lapse applied as a read would see it. */
  issuedGrant(tokenKey: string, id: string, now: number): Promise<IssuedGrantRecord | undefined>;
  /** Spec §11.5 step 7: place the grant's hold and record it, in one step. */
  issueGrant(input: IssueGrantInput): Promise<IssueGrantOutcome>;
  /** Records the signed grant once (the hold was durable before it was signed). */
  signIssuedGrant(tokenKey: string, id: string, jws: string): Promise<IssuedGrantRecord>;
  /**
   * Spec §11.6 step 5: applies a usage report from the grant's audience to
   * its hold and record; throws the OctError of a refused report, changing
   * nothing. `replay` when it was the last applied report again.
   */
  applyUsage(
    tokenKey: string,
    id: string,
    report: UsageReport,
    now: number,
  ): Promise<{ record: IssuedGrantRecord; replay: boolean }>;
  /**
   * The token's issued grants, to every visited gateway, newest first, at
   * most `limit`, lapse applied as a read would see it (spec §7.12).
   */
  latestIssuedGrants(tokenKey: string, limit: number, now: number): Promise<IssuedGrantRecord[]>;
  /** Issued grants issued in [from, to) (ms), of one visited gateway when given (spec §11.8). */
  issuedGrants(from: number, to: number, peer?: string): Promise<IssuedGrantRecord[]>;

  // --- visited gateway ---

  /** The token's held grants that are not closed, committed and reserved summed from its holds. */
  heldGrants(tokenKey: string): Promise<HeldGrantRecord[]>;
  /** The token's held grants, closed ones too, newest first, at most `limit` (spec §7.12). */
  latestHeldGrants(tokenKey: string, limit: number): Promise<HeldGrantRecord[]>;
  heldGrant(tokenKey: string, id: string): Promise<HeldGrantRecord | undefined>;
  /** Records a grant request before it is first sent. */
  recordAsk(ask: GrantAskRecord): Promise<void>;
  asks(tokenKey: string): Promise<GrantAskRecord[]>;
  /** The request will get no grant (refused, or answered): forget it. */
  dropAsk(tokenKey: string, requestId: string): Promise<void>;
  /**
   * Stores a grant received for a recorded request, and forgets the request,
   * in one step. A grant stored before (a duplicate answer) changes nothing.
   */
  storeHeldGrant(tokenKey: string, record: HeldGrantRecord, requestId: string): Promise<void>;
  /**
   * Closes an open held grant whose reservations have all ended, its final
   * report pending (spec §11.9 "Reporting"); otherwise changes nothing.
   */
  closeHeldGrant(tokenKey: string, id: string, now: number): Promise<HeldGrantRecord | undefined>;
  /**
   * The report to send for a held grant now: the pending one, else a new
   * threshold report (recorded as pending), else none.
   */
  planReport(
    tokenKey: string,
    id: string,
    settings: Pick<Federation, "report_threshold_percent">,
    now: number,
  ): Promise<HeldGrantRecord | undefined>;
  /** The home acknowledged report `seq`: it is no longer pending (a final one closes the grant). */
  acknowledgeReport(
    tokenKey: string,
    id: string,
    seq: number,
  ): Promise<HeldGrantRecord | undefined>;
  /** Held grants issued in [from, to) (ms), of one home when given (spec §11.8). */
  heldGrantsBetween(from: number, to: number, peer?: string): Promise<HeldGrantRecord[]>;
}

/**
 * Where a visited gateway's reporting turns find their work: every token of
 * a Node ledger file, or the one token of a Durable Object, which reports
 * for itself from its alarm.
 */
export interface GrantWork {
  /** The tokens with held grants not closed, or requests not answered. */
  tokensWithGrantWork(): Promise<string[]>;
}
