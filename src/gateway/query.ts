/**
 * @module Query parameters of the listing endpoints (`spec/oct.md` §7.10,
 * §7.14): each known, each at most once, each well formed, else
 * `request_invalid`.
 */
import { OctError } from "../core/errors.ts";
import { ceilMilliseconds, parseTimestamp, type Instant } from "../core/time/timestamp.ts";

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface TimeParameter {
  /** As given, for the report's period. */
  text: string;
  /** ms since the epoch, rounded up: entries are kept in whole milliseconds. */
  ms: number;
  /** The exact instant, to compare two parameters to their last digit. */
  instant: Instant;
}

/** The parameters of `url`, refused when one is unknown or repeated. */
export function queryOf(
  url: URL,
  known: ReadonlySet<string>,
): (name: string) => string | undefined {
  const seen = new Set<string>();
  for (const name of url.searchParams.keys()) {
    if (!known.has(name)) throw new OctError("request_invalid", `unknown query parameter ${name}`);
    if (seen.has(name))
      throw new OctError("request_invalid", `the query parameter ${name} is repeated`);
    seen.add(name);
  }
  return (name) => url.searchParams.get(name) ?? undefined;
}

/** A timestamp parameter, if given. */
export function timeParameter(name: string, text: string | undefined): TimeParameter | undefined {
  if (text === undefined) return undefined;
  const instant = parseTimestamp(text);
  if (instant === undefined)
    throw new OctError(
      "request_invalid",
      `${name} must be an RFC 3339 UTC timestamp of a real instant, such as 2026-12-01T00:00:00Z`,
    );
  // from <= t and t < to hold for a whole-millisecond t exactly when they
  // hold for the bounds rounded up to the millisecond.
  return { text, instant, ms: ceilMilliseconds(instant) };
}

/** A carrier or provider id parameter, if given. */
export function slugParameter(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && !SLUG.test(value))
    throw new OctError("request_invalid", `${name} must be an id such as carrier-a`);
  return value;
}
