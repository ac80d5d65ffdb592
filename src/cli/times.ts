/**
 * @module Times given on the command line (`oct mint --exp/--nbf/--iat`),
 * as JWT NumericDates: a UTC time, seconds since the epoch, or seconds
 * from now.
 */
import { UsageError } from "./command.ts";

const RELATIVE = /^(?:now)?([+-]\d{1,10})?$/;
const EPOCH = /^\d{1,12}$/;
const UTC_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z)?$/;

/** What `--name TIME` accepts, for help texts. */
export const TIME_HELP =
  "TIME is a UTC time (2026-12-01T00:00:00Z, or a date), seconds since the epoch (1798761600), or now with seconds added (now, now+3600, now-60)";

/**
 * The NumericDate of `--name TIME`, `now` being the current NumericDate.
 *
 * @example
 * numericDateOption("exp", "now-60", now) // a token that expired a minute ago
 */
export function numericDateOption(name: string, text: string, now: number): number {
  const relative = text === "" ? null : RELATIVE.exec(text);
  if (relative) return now + Number(relative[1] ?? "0");
  if (EPOCH.test(text)) return Number(text);
  if (UTC_TIME.test(text)) {
    const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
    if (!Number.isNaN(ms)) return Math.floor(ms / 1000);
  }
  throw new UsageError(`--${name} ${text}: ${TIME_HELP}`);
}
