/**
 * @module A grant as each side records it, and as each side shows it (the
 * grant resource of `spec/oct.md` §11.7, the entries of a grant report,
 * §11.8): the home's issued grant with its request and signed document, the
 * visited gateway's held grant with its home. Records travel as JSON, amounts
 * as canonical decimal strings.
 */
import type { Grant, GrantReportEntry } from "../../generated/types.ts";
import { formatAmount, parseAmount } from "../amount/decimal.ts";
import type { HeldGrant } from "./held-grant.ts";
import type { IssuedGrant } from "./issued-grant.ts";

/** What both sides know of a grant from its signed claims. Times in ms since the epoch. */
export interface GrantTermsRecord {
  id: string;
  home: string;
  visited: string;
  token: { iss: string; jti: string };
  unit: string;
  faceValue: string;
  amount: string;
  issuedAt: number;
  validUntil: number;
  reportBy: number;
  /** The grant request it answers. */
  request: string;
  /** The signed grant, once signed (spec §11.5: the hold is durable before it). */
  jws?: string;
}

/** The home's record: the terms, the request's fingerprint, and the state of §11.6. */
export interface IssuedGrantRecord {
  terms: GrantTermsRecord;
  /** base64url SHA-256 of the JCS form of `oct_grant_request` (spec §11.5 step 3). */
  fingerprint: string;
  status: IssuedGrant["status"];
  reported: { seq: number; used: string; final: boolean };
}

/** The visited gateway's record: the terms and the state of §11.9. */
export interface HeldGrantRecord {
  terms: GrantTermsRecord;
  status: HeldGrant["status"];
  committed: string;
  reserved: string;
  lastDrawnAt: number;
  acknowledged: { seq: number; used: string };
  pending?: { seq: number; used: string; final: boolean };
}

const $ = (text: string) => parseAmount(text)!;

/** The home's record as the pure state machine sees it. */
export function issuedOf(record: IssuedGrantRecord): IssuedGrant {
  return {
    id: record.terms.id,
    visited: record.terms.visited,
    amount: $(record.terms.amount),
    validUntil: record.terms.validUntil,
    reportBy: record.terms.reportBy,
    status: record.status,
    reported: { ...record.reported, used: $(record.reported.used) },
  };
}

/** The home's record after the state machine moved the grant. */
export function withIssued(record: IssuedGrantRecord, grant: IssuedGrant): IssuedGrantRecord {
  return {
    ...record,
    status: grant.status,
    reported: { ...grant.reported, used: formatAmount(grant.reported.used) },
  };
}

/** The visited gateway's record as the pure arithmetic sees it. */
export function heldOf(record: HeldGrantRecord): HeldGrant {
  return {
    id: record.terms.id,
    amount: $(record.terms.amount),
    validUntil: record.terms.validUntil,
    reportBy: record.terms.reportBy,
    committed: $(record.committed),
    reserved: $(record.reserved),
    lastDrawnAt: record.lastDrawnAt,
    status: record.status,
    acknowledged: { ...record.acknowledged, used: $(record.acknowledged.used) },
    ...(record.pending ? { pending: { ...record.pending, used: $(record.pending.used) } } : {}),
  };
}

/** The visited gateway's record after the arithmetic moved the grant. */
export function withHeld(record: HeldGrantRecord, grant: HeldGrant): HeldGrantRecord {
  const { pending: _, ...rest } = record;
  return {
    ...rest,
    status: grant.status,
    committed: formatAmount(grant.committed),
    reserved: formatAmount(grant.reserved),
    lastDrawnAt: grant.lastDrawnAt,
    acknowledged: { ...grant.acknowledged, used: formatAmount(grant.acknowledged.used) },
    ...(grant.pending
      ? { pending: { ...grant.pending, used: formatAmount(grant.pending.used) } }
      : {}),
  };
}

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/** A grant as a report lists it (spec §11.8), from either side's record. */
export function reportEntryOf(record: IssuedGrantRecord | HeldGrantRecord): GrantReportEntry {
  const { terms } = record;
  const home = "fingerprint" in record;
  // At the home, a lapsed grant counts as fully used until a late final report (§11.7).
  const used = home
    ? record.status === "lapsed"
      ? terms.amount
      : record.reported.used
    : record.committed;
  const seq = home
    ? record.reported.seq
    : Math.max(record.acknowledged.seq, record.pending?.seq ?? 0);
  return {
    id: terms.id,
    home: terms.home,
    visited: terms.visited,
    token: terms.token,
    amount: { amount: terms.amount, unit: terms.unit },
    used: { amount: used, unit: terms.unit },
    seq,
    status: record.status,
    issued_at: iso(terms.issuedAt),
    valid_until: iso(terms.validUntil),
    report_by: iso(terms.reportBy),
  };
}

/** The grant resource (spec §11.7, `grant.schema.json`) of a signed grant. */
export function grantResourceOf(record: IssuedGrantRecord | HeldGrantRecord): Grant {
  if (record.terms.jws === undefined) throw new Error(`grant ${record.terms.id} is not signed yet`);
  const { id, ...entry } = reportEntryOf(record);
  return { id, grant: record.terms.jws, ...entry };
}
