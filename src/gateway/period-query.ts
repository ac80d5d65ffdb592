/**
 * @module The query of a report for a period (`spec/oct.md` §7.10, §11.8):
 * only the parameters the report knows, none repeated, `from` and `to`
 * timestamps of real instants with `from <= to`, judged to the digit given.
 */
import { OctError } from "../core/errors.ts";
import { ceilMilliseconds, compareInstants, parseTimestamp } from "../core/time/timestamp.ts";

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

/**
 * Reads `from`, `to` and the other `parameters` a report allows.
 *
 * @example
 * const query = readPeriodQuery(new URL(c.req.url), ["peer"]);
 */
export function readPeriodQuery(url: URL, parameters: readonly string[]): PeriodQuery {
  const allowed = new Set(["from", "to", ...parameters]);
  const seen = new Set<string>();
  for (const name of url.searchParams.keys()) {
    if (!allowed.has(name))
      throw new OctError("request_invalid", `unknown query parameter ${name}`);
    if (seen.has(name))
      throw new OctError("request_invalid", `the query parameter ${name} is repeated`);
    seen.add(name);
  }
  const get = (name: string) => url.searchParams.get(name) ?? undefined;
  const time = (name: "from" | "to") => {
    const text = get(name);
    const instant = text === undefined ? undefined : parseTimestamp(text);
    if (instant === undefined)
      throw new OctError(
        "request_invalid",
        `${name} must be an RFC 3339 UTC timestamp of a real instant, such as 2026-12-01T00:00:00Z`,
      );
    return { text: text!, instant };
  };
  const from = time("from");
  const to = time("to");
  if (compareInstants(from.instant, to.instant) > 0)
    throw new OctError("request_invalid", "from must not be later than to");
  // Records are kept in whole milliseconds: from <= t and t < to hold for such
  // a t exactly when they hold for the bounds rounded up to the millisecond.
  return {
    from: ceilMilliseconds(from.instant),
    to: ceilMilliseconds(to.instant),
    fromText: from.text,
    toText: to.text,
    get,
  };
}
