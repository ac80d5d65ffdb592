/**
 * @module Which `jwks_uri` values a gateway may fetch (`spec/oct.md` §5.2):
 * HTTPS, or plain HTTP to the loopback interface for local networks and
 * tests. Anything else would let a configuration point the gateway at
 * internal services in clear text.
 */

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** Why a `jwks_uri` is refused, or `undefined` when it may be fetched. */
export function checkJwksUri(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "not an absolute URL";
  }
  if (url.username || url.password) return "must not carry credentials";
  if (url.hash) return "must not have a fragment";
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && LOOPBACK_HOSTS.test(url.hostname)) return undefined;
  return "must use https (plain http only to a loopback address)";
}
