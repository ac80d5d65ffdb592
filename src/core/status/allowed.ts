/**
 * @module Which status list URLs a carrier's entry allows (`spec/oct.md`
 * §5.3, `status_lists`): a token names its list, the configuration decides
 * whether the gateway may fetch it. An entry ending in `/` allows one more
 * path segment of unreserved characters; any other entry allows itself.
 * Compared as strings, never normalised, so `..` or an escape cannot climb
 * out of the allowed place.
 */
import { checkJwksUri } from "../keys/jwks-uri.ts";

const SEGMENT = /^[A-Za-z0-9._~-]{1,128}$/;

/** Why an entry of `status_lists` is refused, or `undefined` when it is a URL a gateway may fetch. */
export function checkStatusListEntry(entry: string): string | undefined {
  const problem = checkJwksUri(entry);
  if (problem) return problem;
  if (new URL(entry).search !== "" || entry.includes("?")) return "must not have a query";
  return undefined;
}

/**
 * Whether `uri` is a status list URL that one of `allowed` allows.
 *
 * @example
 * isAllowedStatusList(["https://tokens.carrier-a.example/status/"], "https://tokens.carrier-a.example/status/7") // true
 */
export function isAllowedStatusList(allowed: readonly string[] | undefined, uri: string): boolean {
  return (allowed ?? []).some((entry) => {
    if (!entry.endsWith("/")) return uri === entry;
    if (!uri.startsWith(entry)) return false;
    const segment = uri.slice(entry.length);
    return SEGMENT.test(segment) && segment !== "." && segment !== "..";
  });
}
