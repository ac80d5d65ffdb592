/**
 * @module Query parameters of the listing and report endpoints (`spec/oct.md`
 * §7.10, §7.14, §11.8): each known, each at most once, each well formed,
 * `from` not later than `to` judged to the digit given, else `request_invalid`.
 */
import { OctError } from "../core/errors.ts";
import {
  ceilMilliseconds,
  compareInstants,
  parseTimestamp,
  type Instant,
} from "../core/time/timestamp.ts";

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface TimeParameter {
  /** As given, for the report's period. */
  text: string;
  /** ms since the epoch, rounded up: entries are kept in whole milliseconds. */
  ms: number;
  /** The exact instant, to compare two parameters to their last digit. */
  instant: Instant;
}

/** A report's period: `from` and `to`, both given, `from <= to`. */
export interface PeriodQuery {
  /** [from, to) in ms since the epoch, rounded up to the millisecond. */
  from: number;
  to: number;
  /** The timestamps as given, for the report's `period`. */
  fromText: string;
  toText: string;
  /** The report's other parameters, by name, when given. */
  get(name: string): string | undefined;
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
  if (instant === undefined) throw notATimestamp(name);
  // from <= t and t < to hold for a whole-millisecond t exactly when they
  // hold for the bounds rounded up to the millisecond.
  return { text, instant, ms: ceilMilliseconds(instant) };
}

/**
 * `from` and `to`, each if given (a listing, §7.14), refused when both are
 * and `from` is the later.
 */
export function timeRange(get: (name: string) => string | undefined): {
  from?: TimeParameter;
  to?: TimeParameter;
} {
  const from = timeParameter("from", get("from"));
  const to = timeParameter("to", get("to"));
  if (from && to) checkOrder(from, to);
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/**
 * Reads a report's query (§7.10, §11.8): no parameter but `from`, `to` and
 * the report's own `parameters`, none repeated, `from` and `to` required.
 *
 * @example
 * const query = readPeriodQuery(new URL(c.req.url), ["peer"]);
 */
export function readPeriodQuery(url: URL, parameters: readonly string[]): PeriodQuery {
  const get = queryOf(url, new Set(["from", "to", ...parameters]));
  const required = (name: "from" | "to") => {
    const parameter = timeParameter(name, get(name));
    if (!parameter) throw notATimestamp(name);
    return parameter;
  };
  const from = required("from");
  const to = required("to");
  checkOrder(from, to);
  return { from: from.ms, to: to.ms, fromText: from.text, toText: to.text, get };
}

/** A carrier or provider id parameter, if given. */
export function slugParameter(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && !SLUG.test(value))
    throw new OctError("request_invalid", `${name} must be an id such as carrier-a`);
  return value;
}

function checkOrder(from: TimeParameter, to: TimeParameter): void {
  if (compareInstants(from.instant, to.instant) > 0)
    throw new OctError("request_invalid", "from must not be later than to");
}

function notATimestamp(name: string): OctError {
  return new OctError(
    "request_invalid",
    `${name} must be an RFC 3339 UTC timestamp of a real instant, such as 2026-12-01T00:00:00Z`,
  );
}
