/**
 * @module Timestamps (`spec/oct.md` §1.4): RFC 3339 date-times in UTC with
 * `Z`, parsed strictly. A date-time that does not exist (February 30, hour
 * 24, second 60) is refused, and the fraction is kept to its ninth digit so
 * that two timestamps compare as written, not as rounded to milliseconds.
 */

const TIMESTAMP = /^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.([0-9]{1,9}))?Z$/;

/** An instant: whole milliseconds since the epoch, and the nanoseconds past them. */
export interface Instant {
  ms: number;
  /** 0 to 999999. */
  nanos: number;
}

/**
 * The instant a timestamp names, or `undefined` when `text` is not one.
 *
 * @example
 * parseTimestamp("2026-02-28T23:59:59.5Z") // { ms: 1772323199500, nanos: 0 }
 * parseTimestamp("2026-02-30T00:00:00Z") // undefined
 */
export function parseTimestamp(text: string): Instant | undefined {
  const match = TIMESTAMP.exec(text);
  if (!match) return undefined;
  const [, wholeSeconds, fraction = ""] = match;
  const ms = Date.parse(`${wholeSeconds}Z`);
  // Round trip: Date.parse rolls some impossible dates over (24:00 is the next
  // day's midnight); a real date-time comes back as it was written.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== wholeSeconds) {
    return undefined;
  }
  const digits = fraction.padEnd(9, "0");
  return { ms: ms + Number(digits.slice(0, 3)), nanos: Number(digits.slice(3)) };
}

/** Negative, zero or positive as `a` is before, at or after `b`. */
export function compareInstants(a: Instant, b: Instant): number {
  return a.ms - b.ms || a.nanos - b.nanos;
}

/**
 * The first whole millisecond at or after an instant: a time kept in whole
 * milliseconds is at or after the instant exactly when it is at or after this.
 */
export function ceilMilliseconds(instant: Instant): number {
  return instant.nanos > 0 ? instant.ms + 1 : instant.ms;
}
