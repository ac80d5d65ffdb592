/**
 * @module A paid request's credentials (`spec/oct.md` §16.2): the token in
 * the `Authorization` field, `OCT <token68>`, the scheme compared
 * case-insensitively. A token is never read from a URL.
 */

/** `OCT`, spaces, one token68 (RFC 9110 §11.4), nothing else. */
const CREDENTIALS = /^OCT +([A-Za-z0-9._~+/-]+=*) *$/i;

/**
 * The token of an `Authorization` field value of the scheme `OCT`, or
 * `undefined` for none or another scheme.
 *
 * @example
 * tokenOfCredentials("OCT eyJhbGciOi...") // "eyJhbGciOi..."
 * tokenOfCredentials("Bearer abc") // undefined
 */
export function tokenOfCredentials(field: string | null | undefined): string | undefined {
  return field ? CREDENTIALS.exec(field)?.[1] : undefined;
}

/** The `Authorization` value that pays with `token`. */
export function credentialsOf(token: string): string {
  return `OCT ${token}`;
}
