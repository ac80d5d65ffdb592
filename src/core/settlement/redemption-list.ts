/**
 * @module Listing committed redemptions (`spec/oct.md` §7.14): the query a
 * store answers, in the order of commit time then id, and the cursor that
 * marks a place in that order.
 */
import { decodeBase64Url, encodeBase64Url } from "../encoding/base64url.ts";
import type { RedemptionRecord } from "../redemption/record.ts";

/** A place in the order: after this commit time (ms) and id. */
export interface ListPlace {
  committedAt: number;
  id: string;
}

export interface RedemptionListQuery {
  /** [from, to) in ms since the epoch; either may be absent. */
  from?: number;
  to?: number;
  carrier?: string;
  provider?: string;
  /** The token identity's ledger key (`tokenKeyOf`). */
  tokenKey?: string;
  after?: ListPlace;
  limit: number;
}

export interface ListedRedemption {
  record: RedemptionRecord;
  /** ms since the epoch. */
  committedAt: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const PLACE = /^(0|[1-9][0-9]{0,15})\n([A-Za-z0-9._~-]{1,128})$/;

/** The opaque cursor of a place. */
export function cursorOf(place: ListPlace): string {
  return encodeBase64Url(encoder.encode(`${place.committedAt}\n${place.id}`));
}

/** The place a cursor marks, or `undefined` when it is not one {@link cursorOf} makes. */
export function placeOfCursor(cursor: string): ListPlace | undefined {
  const bytes = decodeBase64Url(cursor);
  if (!bytes) return undefined;
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return undefined;
  }
  const match = PLACE.exec(text);
  if (!match) return undefined;
  const committedAt = Number(match[1]);
  return Number.isSafeInteger(committedAt) ? { committedAt, id: match[2]! } : undefined;
}
